import { TesseraError } from '../core/index.js';

/**
 * ARNs of IAM entities. They carry the account id (docs/architecture.md): the default account (stored
 * as '') shows the configured default account id, which may be empty (MinIO-style
 * `arn:aws:iam:::user/alice`). Built-in policies are AWS-managed: `arn:aws:iam::aws:policy/readonly`.
 */
export class IamArns {
  /** @param defaultAccountId the id ARNs show for the default account ('' gives MinIO-style ARNs). */
  constructor(readonly defaultAccountId: string) {}

  /** The account id as it appears in ARNs and in policies' Principal elements. */
  accountId(account: string): string {
    return account === '' ? this.defaultAccountId : account;
  }

  /** The stored account of an ARN's account id. */
  accountOf(accountId: string): string {
    return accountId === this.defaultAccountId ? '' : accountId;
  }

  user(account: string, name: string): string {
    return `arn:aws:iam::${this.accountId(account)}:user/${name}`;
  }

  group(account: string, name: string): string {
    return `arn:aws:iam::${this.accountId(account)}:group/${name}`;
  }

  /** @example arns.role('', '/ci/', 'deploy') → 'arn:aws:iam::<id>:role/ci/deploy' */
  role(account: string, path: string, name: string): string {
    return `arn:aws:iam::${this.accountId(account)}:role${path}${name}`;
  }

  /** An assumed-role session's ARN without its session name: `arn:aws:sts::<id>:assumed-role/<role>`. */
  assumedRole(account: string, role: string): string {
    return `arn:aws:sts::${this.accountId(account)}:assumed-role/${role}`;
  }

  /**
   * Parses a role ARN (AssumeRole's RoleArn): `arn:aws:iam::<account>:role/[path/]name`. Returns the
   * stored account and the name, or undefined when it is not a role ARN.
   */
  parseRole(arn: string): { account: string; path: string; name: string } | undefined {
    const m = /^arn:(?:aws|minio):iam::([^:]*):role(\/(?:[^:]*\/)?)([^/:]+)$/.exec(arn);
    if (m === null) return undefined;
    return { account: this.accountOf(m[1]!), path: m[2]!, name: m[3]! };
  }

  /** @example arns.policy('', 'readonly', true) → 'arn:aws:iam::aws:policy/readonly' */
  policy(account: string, name: string, builtin = false): string {
    return `arn:aws:iam::${builtin ? 'aws' : this.accountId(account)}:policy/${name}`;
  }

  root(account: string): string {
    return `arn:aws:iam::${this.accountId(account)}:root`;
  }

  /**
   * Parses a policy ARN (AttachUserPolicy's PolicyArn): `arn:aws:iam::<account|aws>:policy/[path/]name`.
   * Returns the stored account (undefined for AWS-managed, i.e. built-in) and the name.
   */
  parsePolicy(arn: string): { account: string | undefined; name: string } {
    const m = /^arn:(?:aws|minio):iam::([^:]*):policy\/(?:[^:]*\/)?([^/:]+)$/.exec(arn);
    if (m === null)
      throw new TesseraError('InvalidInput', `ARN ${JSON.stringify(arn.slice(0, 200))} is not valid.`);
    return { account: m[1] === 'aws' ? undefined : this.accountOf(m[1]!), name: m[2]! };
  }
}
