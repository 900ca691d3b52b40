<?php
// Router for PHP's built-in server: serves /simplesaml/* from SimpleSAMLphp's www directory the
// way Debian's Apache `Alias /simplesaml /usr/share/simplesamlphp/www` would (SCRIPT_NAME and
// PATH_INFO for URLs such as /simplesaml/module.php/core/loginuserpass.php?...).
declare(strict_types=1);

const SSP_WWW = '/usr/share/simplesamlphp/www';
const PREFIX = '/simplesaml';
const STATIC_TYPES = [
    'css' => 'text/css', 'js' => 'application/javascript', 'png' => 'image/png',
    'gif' => 'image/gif', 'jpg' => 'image/jpeg', 'svg' => 'image/svg+xml', 'ico' => 'image/x-icon',
    'woff' => 'font/woff', 'woff2' => 'font/woff2', 'ttf' => 'font/ttf', 'eot' => 'application/vnd.ms-fontobject',
];

function not_found(): bool
{
    http_response_code(404);
    header('Content-Type: text/plain');
    echo "not found\n";
    return true;
}

$path = rawurldecode((string) parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH));
if ($path !== PREFIX && !str_starts_with($path, PREFIX . '/')) {
    return not_found();
}
$relative = substr($path, strlen(PREFIX));
if (in_array('..', explode('/', $relative), true)) {
    return not_found();
}
if ($relative === '' || str_ends_with($relative, '/')) {
    $relative .= (str_ends_with($relative, '/') ? '' : '/') . 'index.php';
}

if (preg_match('#^(/.*?\.php)(/.*)?$#', $relative, $m) === 1 && is_file(SSP_WWW . $m[1])) {
    $script = SSP_WWW . $m[1];
    $pathInfo = $m[2] ?? '';
    $_SERVER['SCRIPT_FILENAME'] = $script;
    $_SERVER['SCRIPT_NAME'] = PREFIX . $m[1];
    $_SERVER['PHP_SELF'] = PREFIX . $m[1] . $pathInfo;
    if ($pathInfo === '') {
        unset($_SERVER['PATH_INFO']);
    } else {
        $_SERVER['PATH_INFO'] = $pathInfo;
    }
    chdir(dirname($script));
    require $script;
    return true;
}

$file = SSP_WWW . $relative;
$extension = strtolower(pathinfo($file, PATHINFO_EXTENSION));
if (!is_file($file) || !isset(STATIC_TYPES[$extension])) {
    return not_found();
}
header('Content-Type: ' . STATIC_TYPES[$extension]);
readfile($file);
return true;
