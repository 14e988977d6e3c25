import { TesseraError } from '../../core/index.js';

/**
 * What every IAM store implementation (SQLite, PostgreSQL) answers alike, with no driver behind
 * it: the typed errors the contracts check, and the tag that marks a federated user.
 */

/** AWS's NoSuchEntity wording: "The user with name alice cannot be found." */
export function noSuchEntity(kind: string, name: string): TesseraError {
  return new TesseraError('NoSuchEntity', `The ${kind} with name ${name} cannot be found.`);
}

export function alreadyExists(kind: string, name: string): TesseraError {
  const what = kind.charAt(0).toUpperCase() + kind.slice(1);
  return new TesseraError('EntityAlreadyExists', `${what} with name ${name} already exists.`);
}

export function deleteConflict(message: string): TesseraError {
  return new TesseraError('DeleteConflict', message);
}

/** The tag that marks a federated user (iam: FEDERATED_TAGS.source). */
export const FEDERATED_SOURCE_TAG = 'tessera:federated-source';
