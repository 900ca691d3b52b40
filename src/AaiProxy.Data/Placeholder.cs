namespace AaiProxy.Data;
