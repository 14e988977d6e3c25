/**
 * HTTPS on the S3 port (docs/tls.md): the certificates (MinIO's certs directory or explicit
 * files), checked at start, served with TLS 1.2-1.3 and modern ciphers, reloaded on change and on
 * SIGHUP; the client's certificate chain, read from the socket.
 */
export { certificateNames, checkKeyPair, type KeyPair } from './key-pair.js';
export { type CaFile, loadTlsMaterial, type TlsMaterial, type TlsSource } from './material.js';
export { secureContextOptions, TLS_MAX_VERSION, TLS_MIN_VERSION, TLS12_CIPHERS } from './options.js';
export { tlsPeer } from './peer.js';
export { TlsReloader, type TlsReloaderOptions } from './reloader.js';
