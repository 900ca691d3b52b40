namespace AaiProxy.Server.Tests;
