namespace AaiProxy.Saml.Tests;
