import { DEFAULT_CREDENTIAL_TYPE as REGISTRY_DEFAULT } from '../registry';
import { DEFAULT_CREDENTIAL_TYPE } from './default-credential-type';

describe('DEFAULT_CREDENTIAL_TYPE', () => {
  it("is the registry's", () => {
    expect(DEFAULT_CREDENTIAL_TYPE).toBe(REGISTRY_DEFAULT);
  });
});
