using System.Text;
using System.Xml;
using AaiProxy.Saml.Encryption;
using AaiProxy.Saml.Mapping;
using AaiProxy.Saml.Metadata;
using AaiProxy.Saml.Replay;
using AaiProxy.Saml.Xml;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AaiProxy.Saml.Validation;

/// <summary>
/// The Assertion Consumer Service's judge (Web Browser SSO profile, Profiles 4.1.4.3 and 4.1.4.2):
/// turns a POSTed SAMLResponse into a validated identity, or throws. Steps run in order of trust —
/// safe parsing, shape, issuer, status, signature and decryption, content, replay, mapping — and each
/// rule is one method throwing its own <see cref="SamlValidationError"/>.
/// </summary>
public sealed class SamlResponseValidator(
    ServiceProviderSettings serviceProvider,
    IIdentityProviderMetadataProvider metadata,
    ISamlReplayCache replayCache,
    TimeProvider time,
    SamlValidationOptions options,
    ILogger<SamlResponseValidator>? logger = null)
{
    private const string BearerMethod = "urn:oasis:names:tc:SAML:2.0:cm:bearer";
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;

    /// <param name="base64Response">The SAMLResponse form field (Bindings 3.5.4: base64 of the XML).</param>
    /// <param name="expected">What this browser's outstanding request lets the response be.</param>
    /// <exception cref="SamlValidationException">A rule failed.</exception>
    /// <exception cref="SamlStatusException">The IdP answered with a non-Success status.</exception>
    public async Task<SamlLoginResult> ValidateAsync(string base64Response, SamlResponseExpectations expected, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(base64Response);
        ArgumentNullException.ThrowIfNull(expected);
        var document = Parse(Decode(base64Response));
        var response = RequireResponseRoot(document);
        var assertionElement = FindSingleAssertionChild(document, response);
        var header = SamlReader.ReadResponseHeader(response);
        var responseSignature = EnvelopedSignatureVerifier.FindSignature(response);
        var isEncrypted = assertionElement?.LocalName == "EncryptedAssertion";
        var identityProvider = await ResolveIssuerAsync(header, assertionElement, responseSignature is not null || isEncrypted, ct);
        RequireRequestedIdentityProvider(identityProvider, expected);
        var policy = options.PolicyFor(identityProvider.EntityId);
        RequireSuccessStatus(header, response, responseSignature, identityProvider, policy, expected.InResponseTo);
        if (assertionElement is null)
        {
            throw new SamlValidationException(SamlValidationError.AssertionMissing, "A Success response carries no assertion.");
        }

        try
        {
            return await ValidateSuccessAsync(header, response, responseSignature, assertionElement, identityProvider, policy,
                expected, ct);
        }
        catch (SamlValidationException ex) when (isEncrypted)
        {
            throw ex.AsFromEncryptedAssertion();
        }
    }

    private async Task<SamlLoginResult> ValidateSuccessAsync(ResponseHeader header, XmlElement response, XmlElement? responseSignature,
        XmlElement assertionElement, IdentityProviderMetadata identityProvider, IdentityProviderPolicy policy,
        SamlResponseExpectations expected, CancellationToken ct)
    {
        var expectedInResponseTo = expected.InResponseTo;
        // The outer signature is checked before decryption, so a signed response's ciphertext is
        // authenticated before any private-key or padding operation happens.
        if (responseSignature is not null)
        {
            EnvelopedSignatureVerifier.Verify(response, responseSignature, identityProvider.SigningCertificates, policy);
        }

        RequireEncryptionWhenPolicySays(assertionElement, policy);
        var verifiedAssertion = assertionElement.LocalName == "EncryptedAssertion"
            ? DecryptAssertion(assertionElement, identityProvider, policy, responseSignature is not null)
            : assertionElement;
        RequireAssertionSignatureOrSignedResponse(verifiedAssertion, responseSignature is not null, identityProvider, policy);

        // From here on, data comes only from verifiedAssertion: the element whose signature (or whose
        // enclosing Response's signature) was verified. The document is never searched again.
        var assertion = SamlReader.ReadAssertion(verifiedAssertion);
        RequireAssertionIssuer(assertion, header, identityProvider);
        RequireDestination(header, responseSignature is not null);
        RequireInResponseTo(header, assertion, expectedInResponseTo, policy);
        RequireConditionsWindow(assertion);
        RequireAudience(assertion);
        RequireOnlyKnownConditions(assertion);
        var confirmation = RequireBearerConfirmation(assertion, expectedInResponseTo);
        RequireAuthnStatement(assertion);
        RequireRequestedAuthnContext(assertion, expected);
        RequireAuthnInstantNotInFuture(assertion);
        await RequireFirstUseAsync(assertion, confirmation, ct);
        return SamlLoginResultMapper.Map(new ValidatedAssertion(assertion), identityProvider, serviceProvider.EntityId);
    }

    // An operator may insist that an IdP's assertions reach us only encrypted (Core 2.3.4), so that
    // attributes never cross the browser in clear text.
    private static void RequireEncryptionWhenPolicySays(XmlElement assertionElement, IdentityProviderPolicy policy)
    {
        if (policy.RequireEncryptedAssertions && assertionElement.LocalName != "EncryptedAssertion")
        {
            throw new SamlValidationException(SamlValidationError.AssertionNotEncrypted,
                "This identity provider's assertions must be encrypted, and this one is not.");
        }
    }

    // Core 2.3.4 and 6.2: decrypted with our keys only; CBC content encryption only when the Response
    // signature (verified above) covers the ciphertext; a legacy algorithm the policy allows is logged
    // at each use.
    private XmlElement DecryptAssertion(XmlElement encryptedAssertion, IdentityProviderMetadata identityProvider,
        IdentityProviderPolicy policy, bool responseVerified)
    {
        var decrypted = EncryptedAssertionDecryptor.Decrypt(encryptedAssertion, new DecryptionRules(serviceProvider.EntityId,
            serviceProvider.DecryptionCertificates, responseVerified, policy.AllowTripleDes));
        if (decrypted.LegacyAlgorithm is { } legacy)
        {
            EncryptionLog.LegacyContentEncryption(_logger, identityProvider.EntityId, legacy);
        }

        return decrypted.Assertion;
    }

    // Bindings 3.5.4: the form field is base64. The size is bounded before anything is decoded.
    private string Decode(string base64Response)
    {
        var maxBase64Length = ((long)options.MaxResponseBytes + 2) / 3 * 4 + 1024; // slack for line breaks
        if (base64Response.Length > maxBase64Length)
        {
            throw new SamlValidationException(SamlValidationError.ResponseTooLarge,
                $"The SAMLResponse field has {base64Response.Length} characters; at most {maxBase64Length} are accepted.");
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64Response);
        }
        catch (FormatException)
        {
            throw new SamlValidationException(SamlValidationError.InvalidBase64, "The SAMLResponse field is not base64.");
        }

        if (bytes.Length > options.MaxResponseBytes)
        {
            throw new SamlValidationException(SamlValidationError.ResponseTooLarge,
                $"The response has {bytes.Length} bytes; at most {options.MaxResponseBytes} are accepted.");
        }

        try
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new SamlValidationException(SamlValidationError.XmlMalformed, "The response is not UTF-8.");
        }
    }

    // DTDs prohibited, no resolver, size and depth bounded while reading (SafeXml).
    private static XmlDocument Parse(string xml)
    {
        try
        {
            return SafeXml.Load(xml, SafeXmlLimits.ProtocolMessage);
        }
        catch (SafeXmlException ex)
        {
            var error = ex.Error switch
            {
                SafeXmlError.DtdProhibited => SamlValidationError.XmlDtdProhibited,
                SafeXmlError.EntityDeclarations => SamlValidationError.XmlEntityDeclarations,
                SafeXmlError.TooLarge => SamlValidationError.XmlTooLarge,
                SafeXmlError.TooDeep => SamlValidationError.XmlTooDeep,
                _ => SamlValidationError.XmlMalformed,
            };
            throw new SamlValidationException(error, ex.Message, ex);
        }
    }

    // Core 3.2.2 and 3.4: the message is a samlp:Response of version 2.0.
    private static XmlElement RequireResponseRoot(XmlDocument document)
    {
        var root = document.DocumentElement!;
        if (!root.Is(SamlNamespaces.Protocol, "Response"))
        {
            throw new SamlValidationException(SamlValidationError.NotAResponse, $"The message is a {root.Name}, not a samlp:Response.");
        }

        return root.AttributeOrNull("Version") == "2.0"
            ? root
            : throw new SamlValidationException(SamlValidationError.UnsupportedVersion, "The Response is not version 2.0.");
    }

    // Profiles 4.1.4.2 allows several assertions; we accept exactly one, as a direct child of the
    // Response, and none anywhere else: a second or nested assertion is how signature wrapping
    // smuggles in data the signature does not cover.
    private static XmlElement? FindSingleAssertionChild(XmlDocument document, XmlElement response)
    {
        var assertions = new List<XmlElement>();
        foreach (var element in document.DescendantElements())
        {
            if (element.NamespaceURI == SamlNamespaces.Assertion && element.LocalName is "Assertion" or "EncryptedAssertion")
            {
                assertions.Add(element);
            }
        }

        if (assertions.Any(assertion => assertion.ParentNode != response))
        {
            throw new SamlValidationException(SamlValidationError.AssertionNotDirectChild,
                "An assertion appears somewhere other than directly inside the Response.");
        }

        return assertions.Count switch
        {
            0 => null,
            1 => assertions[0],
            _ => throw new SamlValidationException(SamlValidationError.MultipleAssertions,
                $"The Response carries {assertions.Count} assertions; exactly one is accepted."),
        };
    }

    // Profiles 4.1.4.2: the Issuer must be present when the Response is signed or its assertion is
    // encrypted; it must name an IdP in trusted metadata, which then supplies the only trusted keys.
    private async Task<IdentityProviderMetadata> ResolveIssuerAsync(ResponseHeader header, XmlElement? assertionElement,
        bool responseIssuerRequired, CancellationToken ct)
    {
        var issuer = header.Issuer;
        if (issuer is null && !responseIssuerRequired && assertionElement is not null)
        {
            issuer = SamlReader.ReadIssuer(assertionElement, SamlValidationError.MalformedAssertion);
        }

        if (issuer is null)
        {
            throw new SamlValidationException(SamlValidationError.IssuerMissing, "The Response names no Issuer.");
        }

        return await metadata.FindAsync(issuer, ct)
               ?? throw new SamlValidationException(SamlValidationError.UnknownIssuer, $"No trusted metadata for issuer '{issuer}'.");
    }

    // Profiles 4.1.4.3: the response answers the request this browser sent, and that request went to
    // one IdP: another IdP's response (even a trusted one's) is not an answer to it.
    private static void RequireRequestedIdentityProvider(IdentityProviderMetadata identityProvider, SamlResponseExpectations expected)
    {
        if (expected.IdentityProvider is { } requested && !string.Equals(identityProvider.EntityId, requested, StringComparison.Ordinal))
        {
            throw new SamlValidationException(SamlValidationError.IssuerNotRequested,
                $"The response was issued by '{identityProvider.EntityId}', but this browser's request went to '{requested}'.");
        }
    }

    // Core 3.2.2.2: anything but Success carries no usable assertion; the status goes to the person.
    // A status response needs no signature, so its text is trusted only when the Response is signed
    // with the IdP's metadata keys (per policy) and answers the request this browser has outstanding.
    private static void RequireSuccessStatus(ResponseHeader header, XmlElement response, XmlElement? responseSignature,
        IdentityProviderMetadata identityProvider, IdentityProviderPolicy policy, string? expectedInResponseTo)
    {
        if (!header.Status.IsSuccess)
        {
            var authenticated = expectedInResponseTo is not null && header.InResponseTo == expectedInResponseTo
                && responseSignature is not null && SignatureVerifies(response, responseSignature, identityProvider, policy);
            throw new SamlStatusException(identityProvider.EntityId, header.Status.Code, header.Status.SecondLevelCode,
                header.Status.Message, authenticated);
        }
    }

    private static bool SignatureVerifies(XmlElement response, XmlElement signature, IdentityProviderMetadata identityProvider,
        IdentityProviderPolicy policy)
    {
        try
        {
            EnvelopedSignatureVerifier.Verify(response, signature, identityProvider.SigningCertificates, policy);
            return true;
        }
        catch (SamlValidationException)
        {
            return false;
        }
    }

    // Profiles 4.1.4.2: the assertion must be signed, directly or by the Response that carries it.
    // A signature on the assertion is verified even when the Response is signed too.
    private static void RequireAssertionSignatureOrSignedResponse(XmlElement assertion, bool responseVerified,
        IdentityProviderMetadata identityProvider, IdentityProviderPolicy policy)
    {
        var signature = EnvelopedSignatureVerifier.FindSignature(assertion);
        if (signature is not null)
        {
            EnvelopedSignatureVerifier.Verify(assertion, signature, identityProvider.SigningCertificates, policy);
        }
        else if (!responseVerified)
        {
            throw new SamlValidationException(SamlValidationError.SignatureMissing,
                "Neither the assertion nor the Response carrying it is signed.");
        }
    }

    // Profiles 4.1.4.2: the assertion's Issuer is the IdP, and the same as the Response's.
    private static void RequireAssertionIssuer(Assertion assertion, ResponseHeader header, IdentityProviderMetadata identityProvider)
    {
        if (assertion.Issuer != identityProvider.EntityId || (header.Issuer is not null && header.Issuer != assertion.Issuer))
        {
            throw new SamlValidationException(SamlValidationError.IssuerMismatch,
                $"The assertion issuer '{assertion.Issuer}' differs from the Response issuer '{identityProvider.EntityId}'.");
        }
    }

    // Bindings 3.5.5.2: a signed message must carry Destination; when present it must be our ACS.
    private void RequireDestination(ResponseHeader header, bool responseSigned)
    {
        if (header.Destination is null)
        {
            if (responseSigned)
            {
                throw new SamlValidationException(SamlValidationError.DestinationMissing, "The signed Response has no Destination.");
            }

            return;
        }

        if (!SameUrl(header.Destination, serviceProvider.AssertionConsumerServiceUrl))
        {
            throw new SamlValidationException(SamlValidationError.DestinationMismatch,
                $"The Response is addressed to '{header.Destination}', not to our ACS.");
        }
    }

    // Profiles 4.1.4.3: InResponseTo must be the request this browser has outstanding; a response
    // naming a request when this browser has none belongs to another browser or flow. Without
    // InResponseTo the response is unsolicited (IdP-initiated), accepted only for IdPs allowed to.
    private static void RequireInResponseTo(ResponseHeader header, Assertion assertion, string? expected, IdentityProviderPolicy policy)
    {
        var confirmationInResponseTo = assertion.SubjectConfirmations
            .Where(c => c.Method == BearerMethod)
            .Select(c => c.Data?.InResponseTo)
            .FirstOrDefault(value => value is not null);
        var actual = header.InResponseTo ?? confirmationInResponseTo;
        if (actual is null)
        {
            if (!policy.AllowUnsolicitedResponses)
            {
                throw new SamlValidationException(SamlValidationError.UnsolicitedResponseNotAllowed,
                    "The response answers no request, and this identity provider may not send unsolicited responses.");
            }

            return;
        }

        if (expected is null)
        {
            throw new SamlValidationException(SamlValidationError.UnexpectedInResponseTo,
                $"The response answers request '{actual}', but this browser has no outstanding request.");
        }

        if (actual != expected || (confirmationInResponseTo is not null && confirmationInResponseTo != expected))
        {
            throw new SamlValidationException(SamlValidationError.InResponseToMismatch,
                $"The response answers request '{actual}', not this browser's outstanding request.");
        }
    }

    // Profiles 4.1.4.2: a bearer SubjectConfirmation whose data names our ACS as Recipient, is still
    // valid (NotOnOrAfter), has no NotBefore, and answers our request.
    private SubjectConfirmationData RequireBearerConfirmation(Assertion assertion, string? expectedInResponseTo)
    {
        var bearers = assertion.SubjectConfirmations.Where(c => c.Method == BearerMethod).ToList();
        if (bearers.Count == 0)
        {
            throw new SamlValidationException(SamlValidationError.BearerSubjectConfirmationMissing,
                "The assertion has no bearer SubjectConfirmation.");
        }

        SamlValidationException? firstFailure = null;
        foreach (var bearer in bearers)
        {
            try
            {
                return RequireUsableConfirmationData(bearer.Data, expectedInResponseTo);
            }
            catch (SamlValidationException ex)
            {
                firstFailure ??= ex;
            }
        }

        throw firstFailure!;
    }

    private SubjectConfirmationData RequireUsableConfirmationData(SubjectConfirmationData? data, string? expectedInResponseTo)
    {
        if (data is null || data.Recipient is null || !SameUrl(data.Recipient, serviceProvider.AssertionConsumerServiceUrl))
        {
            throw new SamlValidationException(SamlValidationError.RecipientMismatch,
                $"The bearer confirmation's Recipient is '{data?.Recipient}', not our ACS.");
        }

        var now = time.GetUtcNow();
        if (data.NotOnOrAfter is not { } notOnOrAfter || now - options.ClockSkew >= notOnOrAfter || data.NotBefore is not null)
        {
            throw new SamlValidationException(SamlValidationError.SubjectConfirmationExpired,
                $"The bearer confirmation is not valid now (NotBefore {data.NotBefore:O}, NotOnOrAfter {data.NotOnOrAfter:O}).");
        }

        if (data.InResponseTo is not null && data.InResponseTo != expectedInResponseTo)
        {
            throw new SamlValidationException(SamlValidationError.InResponseToMismatch,
                $"The bearer confirmation answers request '{data.InResponseTo}', not this browser's.");
        }

        return data;
    }

    // Core 2.5.1.2: NotBefore <= now < NotOnOrAfter, each widened by the clock skew.
    private void RequireConditionsWindow(Assertion assertion)
    {
        var now = time.GetUtcNow();
        if (assertion.Conditions?.NotBefore is { } notBefore && now + options.ClockSkew < notBefore)
        {
            throw new SamlValidationException(SamlValidationError.AssertionNotYetValid,
                $"The assertion is valid from {notBefore:O}; it is now {now:O}.");
        }

        if (assertion.Conditions?.NotOnOrAfter is { } notOnOrAfter && now - options.ClockSkew >= notOnOrAfter)
        {
            throw new SamlValidationException(SamlValidationError.AssertionExpired,
                $"The assertion expired at {notOnOrAfter:O}; it is now {now:O}.");
        }
    }

    // Profiles 4.1.4.2: an AudienceRestriction naming us; Core 2.5.1.4: every restriction must name us.
    private void RequireAudience(Assertion assertion)
    {
        var restrictions = assertion.Conditions?.AudienceRestrictions ?? [];
        if (restrictions.Count == 0)
        {
            throw new SamlValidationException(SamlValidationError.AudienceRestrictionMissing, "The assertion has no AudienceRestriction.");
        }

        if (!restrictions.All(audiences => audiences.Contains(serviceProvider.EntityId, StringComparer.Ordinal)))
        {
            throw new SamlValidationException(SamlValidationError.AudienceMismatch,
                $"The assertion is restricted to [{string.Join(", ", restrictions.SelectMany(a => a))}], not to us.");
        }
    }

    // Core 2.5.1.5: a condition we do not understand makes the assertion's validity indeterminate.
    private static void RequireOnlyKnownConditions(Assertion assertion)
    {
        if (assertion.Conditions?.UnsupportedConditions is [var first, ..])
        {
            throw new SamlValidationException(SamlValidationError.UnsupportedCondition, $"The assertion has an unsupported condition {first}.");
        }
    }

    // Profiles 4.1.4.2: an SSO assertion carries at least one AuthnStatement.
    private static void RequireAuthnStatement(Assertion assertion)
    {
        if (assertion.AuthnStatements.Count == 0)
        {
            throw new SamlValidationException(SamlValidationError.AuthnStatementMissing, "The assertion has no AuthnStatement.");
        }
    }

    // Core 3.3.2.2.1: with an exact RequestedAuthnContext the IdP must use one of the classes or refuse;
    // an assertion stating another (weaker) class is not taken as if it were the requested one.
    private static void RequireRequestedAuthnContext(Assertion assertion, SamlResponseExpectations expected)
    {
        var achieved = assertion.AuthnStatements[0].AuthnContextClassRef;
        if (expected.RequestedContexts.Count > 0 && !expected.RequestedContexts.Contains(achieved ?? "", StringComparer.Ordinal))
        {
            throw new SamlValidationException(SamlValidationError.AuthnContextNotMet,
                $"The IdP authenticated with '{achieved}', but the request demanded one of [{string.Join(", ", expected.RequestedContexts)}].");
        }
    }

    // Core 2.7.2: AuthnInstant is when the IdP authenticated the person; one later than now (beyond
    // the clock skew) is impossible, so the statement is not believed. How old it may be is the host's call.
    private void RequireAuthnInstantNotInFuture(Assertion assertion)
    {
        var now = time.GetUtcNow();
        if (assertion.AuthnStatements.FirstOrDefault(statement => statement.AuthnInstant > now + options.ClockSkew) is { } future)
        {
            throw new SamlValidationException(SamlValidationError.AuthnInstantInFuture,
                $"The AuthnInstant {future.AuthnInstant:O} lies in the future; it is now {now:O}.");
        }
    }

    // Profiles 4.1.4.5: a bearer assertion is used once; remembered until it could no longer be accepted.
    private async Task RequireFirstUseAsync(Assertion assertion, SubjectConfirmationData confirmation, CancellationToken ct)
    {
        var validUntil = new[] { assertion.Conditions?.NotOnOrAfter, confirmation.NotOnOrAfter }.Max()!.Value;
        if (!await replayCache.TryAddAsync(assertion.Issuer, assertion.Id, validUntil + options.ClockSkew, ct))
        {
            throw new SamlValidationException(SamlValidationError.Replayed, $"Assertion '{assertion.Id}' was already used.");
        }
    }

    private static bool SameUrl(string url, Uri expected) =>
        Uri.TryCreate(url, UriKind.Absolute, out var actual) && Uri.Compare(actual, expected,
            UriComponents.AbsoluteUri, UriFormat.UriEscaped, StringComparison.Ordinal) == 0;
}
