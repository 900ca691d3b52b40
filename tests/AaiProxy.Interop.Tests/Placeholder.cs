namespace AaiProxy.Interop.Tests;
