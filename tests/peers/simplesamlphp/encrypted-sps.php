<?php
// Included from the generated saml20-sp-remote.php in "encrypted" mode, with $spMetadataFile set.
// Declares every SP of that SAML metadata file with assertion.encryption on: SimpleSAMLphp reads
// that option only from its PHP metadata, never from SAML metadata. The file is parsed on every
// request, like the XML metadata source, so the SP may publish (or change) it after we start.
declare(strict_types=1);

foreach (\SimpleSAML\Metadata\SAMLParser::parseDescriptorsFile($spMetadataFile) as $entityId => $entity) {
    $sp = $entity->getMetadata20SP();
    if ($sp === null) {
        continue;
    }
    $sp['assertion.encryption'] = true;
    // Response and (inner) assertion both signed: SimpleSAMLphp's default, made explicit.
    $sp['saml20.sign.response'] = true;
    $sp['saml20.sign.assertion'] = true;
    $metadata[$entityId] = $sp;
}
