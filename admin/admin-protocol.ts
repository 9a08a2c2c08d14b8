/**
 * Admin socket messages (PROTOCOL.md section 4): one JSON object per line each way.
 *
 *   {"cmd":"tree","path":"/user/gateway","depth":2}  -->  {"ok":true,"tree":{...}}
 *   {"cmd":"stop","path":"/user/x"}                  -->  {"ok":false,"error":"no actor at /user/x"}
 *
 * parseAdminRequest turns one line into a typed request or a message for `error`; unknown extra
 * fields are ignored so that newer clients can talk to older nodes.
 */

import { isValidTopic, MAX_TOPIC_BYTES } from '../protocol/topic';
import { Limits } from '../server/limits';

export const AdminCmd = {
  Tree: 'tree',
  Stats: 'stats',
  Inspect: 'inspect',
  Stop: 'stop',
  Drain: 'drain',
  Undrain: 'undrain',
  Topics: 'topics',
  Topic: 'topic',
} as const;
export type AdminCmd = (typeof AdminCmd)[keyof typeof AdminCmd];

export type AdminRequest =
  | { cmd: typeof AdminCmd.Tree; path?: string; depth?: number; page?: number; limit?: number }
  | { cmd: typeof AdminCmd.Stats }
  | { cmd: typeof AdminCmd.Inspect; path: string }
  | { cmd: typeof AdminCmd.Stop; path: string }
  | { cmd: typeof AdminCmd.Drain }
  | { cmd: typeof AdminCmd.Undrain }
  | { cmd: typeof AdminCmd.Topics; top?: number }
  | { cmd: typeof AdminCmd.Topic; name: string };

export type AdminAnswer = ({ ok: true } & Record<string, unknown>) | { ok: false; error: string };

/** The longest request line a node reads; a longer one ends the admin connection. */
export const MAX_REQUEST_LINE_BYTES = 64 * 1024;
export const DEFAULT_TREE_PATH = '/user';
export const DEFAULT_TREE_DEPTH = 3;
/** Deeper trees are refused: the answer would be one enormous line. */
export const MAX_TREE_DEPTH = 64;
/** Children listed per node before the rest are summarised (kind counts, `childCount`). */
export const DEFAULT_TREE_LIMIT = 20;
/** The largest page a request may ask for; `troupe admin tree --all` reads pages this size. */
export const MAX_TREE_LIMIT = 1000;
/** Pages past this are refused (MAX_TREE_LIMIT * MAX_TREE_PAGE children is beyond any node). */
export const MAX_TREE_PAGE = 1_000_000;

/** Rows `topics` answers unless asked (`top`). */
export const DEFAULT_TOPICS_TOP = 20;
export const MAX_TOPICS_TOP = Limits.maxAdminTopicsTop;

const CMDS: readonly string[] = Object.values(AdminCmd);
const PATH = /^\/[\x21-\x7e]*$/;

export function isAdminCmd(value: string): value is AdminCmd {
  return CMDS.includes(value);
}

/** Returns the request, or a string saying what is wrong with the line. */
export function parseAdminRequest(line: string): AdminRequest | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    return `bad JSON: ${(err as Error).message}`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'a request must be a JSON object such as {"cmd":"stats"}';
  }
  const req = value as Record<string, unknown>;
  const cmd = req.cmd;
  if (typeof cmd !== 'string' || !isAdminCmd(cmd)) {
    const got = cmd === undefined ? 'missing "cmd"' : `unknown cmd ${JSON.stringify(cmd)}`;
    return `${got}; expected one of ${CMDS.join(', ')}`;
  }
  switch (cmd) {
    case AdminCmd.Stats:
    case AdminCmd.Drain:
    case AdminCmd.Undrain:
      return { cmd };
    case AdminCmd.Inspect:
    case AdminCmd.Stop: {
      if (req.path === undefined) return `${cmd}: missing "path"`;
      const path = readPath(cmd, req.path);
      return typeof path === 'string' ? { cmd, path } : path.error;
    }
    case AdminCmd.Tree: {
      const path = req.path === undefined ? undefined : readPath(cmd, req.path);
      if (typeof path === 'object') return path.error;
      const depth = req.depth;
      if (
        depth !== undefined &&
        !(Number.isInteger(depth) && (depth as number) >= 0 && (depth as number) <= MAX_TREE_DEPTH)
      ) {
        return `tree: "depth" must be an integer 0..${MAX_TREE_DEPTH}`;
      }
      const limit = readCount(cmd, req.limit, 'limit', MAX_TREE_LIMIT);
      const page = readCount(cmd, req.page, 'page', MAX_TREE_PAGE);
      if (typeof limit === 'string') return limit;
      if (typeof page === 'string') return page;
      return { cmd, path, depth: depth as number | undefined, page, limit };
    }
    case AdminCmd.Topics: {
      const top = readCount(cmd, req.top, 'top', MAX_TOPICS_TOP);
      return typeof top === 'string' ? top : { cmd, top };
    }
    case AdminCmd.Topic:
      return isValidTopic(req.name)
        ? { cmd, name: req.name }
        : `topic: "name" must be a topic name (1..${MAX_TOPIC_BYTES} of A-Z a-z 0-9 _-.:/@)`;
  }
}

/** An optional integer 1..max, or a message naming the field. */
function readCount(
  cmd: AdminCmd,
  value: unknown,
  field: string,
  max: number,
): number | undefined | string {
  if (value === undefined) return undefined;
  if (Number.isInteger(value) && (value as number) >= 1 && (value as number) <= max) {
    return value as number;
  }
  return `${cmd}: "${field}" must be an integer 1..${max}`;
}

function readPath(cmd: AdminCmd, path: unknown): string | { error: string } {
  if (typeof path !== 'string' || !PATH.test(path)) {
    return { error: `${cmd}: "path" must be an actor path string such as "/user/gateway"` };
  }
  return path.replace(/\/+$/, '') || '/';
}
