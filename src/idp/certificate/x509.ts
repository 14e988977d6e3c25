/**
 * The one module that loads @peculiar/x509 (certificate and CRL parsing and issuing). Its
 * decorators need `reflect-metadata` loaded first; everything else imports X.509 from here.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as ReturnType<typeof x509.cryptoProvider.get>);

export { x509 };
