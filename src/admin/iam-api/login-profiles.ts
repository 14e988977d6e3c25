import { TesseraError, type XmlNode } from '../../core/index.js';
import type { IamUser } from '../../iam/index.js';
import { type Call, type Handler, user } from './call.js';
import { isoDate } from './xml.js';

/**
 * Login profiles = MinIO-style user secrets. In AWS a login profile is a user's console password;
 * in Tessera a user's own secret (it signs as access key = user name, secret = the "password"),
 * so `aws iam create-login-profile --user-name alice --password …` makes alice a MinIO-style user.
 * Authorized by iam:*LoginProfile on the user, or MinIO's admin:CreateUser (admin:GetUser to read).
 * Tessera keeps no separate date for the secret: CreateDate is the user's last update.
 */

function profileXml(user: IamUser): XmlNode {
  return {
    LoginProfile: { UserName: user.name, CreateDate: isoDate(user.updatedAt), PasswordResetRequired: false },
  };
}

/** AWS can force a password change at next sign-in; a signing secret cannot, so `true` is refused. */
function refuseReset(call: Call): void {
  if (call.params.bool('PasswordResetRequired') === true) {
    throw new TesseraError(
      'InvalidInput',
      'PasswordResetRequired is not supported: the password is a secret key.',
    );
  }
}

async function authorized(call: Call, action: string, admin: string): Promise<IamUser> {
  const name = call.params.required('UserName');
  const target = await call.authorize({ action, target: user(name), admin: [admin] });
  return call.iam.users.get(call.account, target.name);
}

function noProfile(user: IamUser): TesseraError {
  return new TesseraError('NoSuchEntity', `Login Profile for User ${user.name} cannot be found.`);
}

const createLoginProfile: Handler = async (call) => {
  const password = call.params.required('Password');
  refuseReset(call);
  const user = await authorized(call, 'iam:CreateLoginProfile', 'admin:CreateUser');
  if (user.hasSecret) {
    throw new TesseraError('EntityAlreadyExists', `Login Profile for user ${user.name} already exists.`);
  }
  await call.iam.users.setSecret(call.account, user.name, password);
  return profileXml(await call.iam.users.get(call.account, user.name));
};

const getLoginProfile: Handler = async (call) => {
  const user = await authorized(call, 'iam:GetLoginProfile', 'admin:GetUser');
  if (!user.hasSecret) throw noProfile(user);
  return profileXml(user);
};

/** Without Password (AWS allows it) nothing changes. */
const updateLoginProfile: Handler = async (call) => {
  const password = call.params.optional('Password');
  refuseReset(call);
  const user = await authorized(call, 'iam:UpdateLoginProfile', 'admin:CreateUser');
  if (!user.hasSecret) throw noProfile(user);
  if (password !== undefined) await call.iam.users.setSecret(call.account, user.name, password);
  return undefined;
};

/** The user keeps its access keys (service accounts); only signing as the user name stops. */
const deleteLoginProfile: Handler = async (call) => {
  const user = await authorized(call, 'iam:DeleteLoginProfile', 'admin:CreateUser');
  if (!user.hasSecret) throw noProfile(user);
  await call.iam.users.setSecret(call.account, user.name, null);
  return undefined;
};

export const loginProfileHandlers: Record<string, Handler> = {
  CreateLoginProfile: createLoginProfile,
  GetLoginProfile: getLoginProfile,
  UpdateLoginProfile: updateLoginProfile,
  DeleteLoginProfile: deleteLoginProfile,
};
