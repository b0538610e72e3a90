import { isBigintId } from './bigint-id';

describe(isBigintId.name, () => {
  it('accepts positive ids up to the bigint maximum', () => {
    for (const id of ['1', '42', '9223372036854775807']) expect({ id, ok: isBigintId(id) }).toEqual({ id, ok: true });
  });

  it('refuses ids past bigint, zero, signs, leading zeros and non-digits', () => {
    for (const id of ['9223372036854775808', '9999999999999999999', '0', '-1', '+1', '01', '1e3', ' 1', '']) {
      expect({ id, ok: isBigintId(id) }).toEqual({ id, ok: false });
    }
  });
});
