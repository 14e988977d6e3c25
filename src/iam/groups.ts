import { TesseraError } from '../core/index.js';
import type { IamGroupRecord, IamStatus, ListPage } from '../storage/index.js';
import { type DirectoryContext, newEntityId } from './context.js';
import { validateGroupName } from './names.js';

export interface IamGroup {
  account: string;
  name: string;
  id: string;
  arn: string;
  /** A disabled group contributes no permissions (and is left out of aws:groups). */
  status: IamStatus;
  createdAt: number;
  updatedAt: number;
}

/** Groups and their members. */
export class GroupDirectory {
  constructor(private readonly c: DirectoryContext) {}

  view(r: IamGroupRecord): IamGroup {
    return { ...r, arn: this.c.arns.group(r.account, r.name) };
  }

  async create(account: string, name: string, status: IamStatus = 'enabled'): Promise<IamGroup> {
    validateGroupName(name);
    const now = this.c.clock.now();
    const record: IamGroupRecord = {
      account,
      name,
      id: newEntityId('AGPA'),
      status,
      createdAt: now,
      updatedAt: now,
    };
    await this.c.store.createGroup(record);
    this.c.changed('group', account, name);
    return this.view(record);
  }

  async get(account: string, name: string): Promise<IamGroup> {
    const r = await this.c.store.getGroup(account, name);
    if (r === undefined)
      throw new TesseraError('NoSuchEntity', `The group with name ${name} cannot be found.`);
    return this.view(r);
  }

  async list(account: string, page?: ListPage): Promise<IamGroup[]> {
    return (await this.c.store.listGroups(account, page)).map((r) => this.view(r));
  }

  async setStatus(account: string, name: string, status: IamStatus): Promise<void> {
    await this.c.store.setGroupStatus(account, name, status, this.c.clock.now());
    this.c.changed('group', account, name);
  }

  /** AWS: DeleteConflict while it has members or policies; `cascade` removes them (MinIO removes policies). */
  async delete(account: string, name: string, opts: { cascade?: boolean } = {}): Promise<void> {
    await this.c.store.deleteGroup(account, name, opts);
    this.c.changed('group', account, name);
  }

  async addMember(account: string, group: string, user: string): Promise<void> {
    await this.c.store.addGroupMember(account, group, user);
    this.c.changed('group', account, group);
    this.c.changed('user', account, user);
  }

  async removeMember(account: string, group: string, user: string): Promise<void> {
    await this.c.store.removeGroupMember(account, group, user);
    this.c.changed('group', account, group);
    this.c.changed('user', account, user);
  }

  /** Member user names, sorted. NoSuchEntity when the group is missing. */
  async members(account: string, group: string): Promise<string[]> {
    return this.c.store.listGroupMembers(account, group);
  }

  /** ListGroupsForUser. NoSuchEntity when the user is missing. */
  async forUser(account: string, user: string): Promise<IamGroup[]> {
    return (await this.c.store.listGroupsForUser(account, user)).map((r) => this.view(r));
  }
}
