import { RequestRefusal } from './wire-types';

/**
 * Inside the request translation, a field that cannot be translated stops it with `refuse(param, why)`;
 * toAnthropicRequest catches exactly this class and returns it as `{ ok: false, param, message }`, so
 * the helpers stay plain functions of their field and nothing escapes to the caller as an exception.
 */
export class RefusedParam extends Error {
  constructor(
    readonly param: string,
    message: string,
  ) {
    super(message);
    this.name = RefusedParam.name;
  }

  toRefusal(): RequestRefusal {
    return { ok: false, param: this.param, message: this.message };
  }
}

export function refuse(param: string, message: string): never {
  throw new RefusedParam(param, message);
}
