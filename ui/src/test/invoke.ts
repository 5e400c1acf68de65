// Routes the mocked `invoke` to per-command handlers. A test file must call
// vi.mock("@tauri-apps/api/core") itself (vi.mock is hoisted per file).
import { invoke, type InvokeArgs, type InvokeOptions } from "@tauri-apps/api/core";
import { vi } from "vitest";
import type { CommandName } from "../api/commands";
import type { ErrorCode } from "../api/types";

export type Handler = (args: InvokeArgs | undefined, options: InvokeOptions | undefined) => unknown;

export const invokeMock = vi.mocked(invoke);

class Rejection extends Error {
  constructor(readonly payload: unknown) {
    super("rejected");
  }
}

/** In a handler: make the command reject the way the core does, with { code, message, field }. */
export function fail(code: ErrorCode, message: string, field: string | null = null): never {
  throw new Rejection({ code, message, field });
}

/** Handlers for the shell's commands only (a mistyped name does not compile). */
export function routeInvoke(handlers: Partial<Record<CommandName, Handler>>): void {
  invokeMock.mockImplementation((cmd: string, args?: InvokeArgs, options?: InvokeOptions) => {
    const handler = (handlers as Record<string, Handler | undefined>)[cmd];
    if (!handler) return Promise.reject(new Error(`unexpected command ${cmd}`));
    try {
      return Promise.resolve(handler(args, options));
    } catch (error) {
      // Tauri rejects with the command's serialised error (a plain object), so do the same.
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      return Promise.reject(error instanceof Rejection ? error.payload : error);
    }
  });
}

/** The calls made to one command, as [args, options]. */
export function callsOf<A = InvokeArgs>(cmd: CommandName): [A, InvokeOptions | undefined][] {
  return invokeMock.mock.calls.filter((c) => c[0] === cmd).map((c) => [c[1] as A, c[2]]);
}
