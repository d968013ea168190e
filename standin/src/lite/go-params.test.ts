import { describe, expect, test } from 'vitest';
import { decodeGoParams, OTP, PASSWORD_GRANT, USER_UPDATE } from './go-params.ts';

describe('decodeGoParams: json.Unmarshal into GoTrue’s params structs', () => {
  test('keeps known fields of the right type, drops unknown ones and nulls', () => {
    expect(decodeGoParams('{"email":"a@b.co","password":"pw","extra":{"$ne":1},"phone":null}', PASSWORD_GRANT)).toEqual({
      kind: 'value',
      value: { email: 'a@b.co', password: 'pw' },
    });
  });

  test('matches keys case-insensitively when no key matches exactly, the last one winning', () => {
    expect(decodeGoParams('{"EMAIL":"x@y.zz","Email":"a@b.co"}', PASSWORD_GRANT)).toEqual({ kind: 'value', value: { email: 'a@b.co' } });
  });

  test('null is an empty struct; another non-object names the struct', () => {
    expect(decodeGoParams('null', PASSWORD_GRANT)).toEqual({ kind: 'value', value: {} });
    for (const [body, kind] of [['[]', 'array'], ['"x"', 'string'], ['5', 'number'], ['true', 'bool']]) {
      expect(decodeGoParams(body!, PASSWORD_GRANT)).toEqual({
        kind: 'error',
        message: `json: cannot unmarshal ${kind} into Go value of type api.PasswordGrantParams`,
      });
    }
  });

  test('a value of the wrong kind is Go’s UnmarshalTypeError, the first one in the body', () => {
    expect(decodeGoParams('{"password":[1],"email":1}', PASSWORD_GRANT)).toEqual({
      kind: 'error',
      message: 'json: cannot unmarshal array into Go struct field PasswordGrantParams.password of type string',
    });
    expect(decodeGoParams('{"create_user":"no"}', OTP)).toMatchObject({ message: expect.stringContaining('OtpParams.create_user of type bool') });
    expect(decodeGoParams('{"data":"x"}', USER_UPDATE)).toMatchObject({
      message: 'json: cannot unmarshal string into Go struct field UserUpdateParams.data of type map[string]interface {}',
    });
  });

  test('an empty body is Go’s end of input, too deep is its max-depth error, other syntax errors are lite’s to word', () => {
    expect(decodeGoParams('  ', PASSWORD_GRANT)).toEqual({ kind: 'error', message: 'unexpected end of JSON input' });
    expect(decodeGoParams(`{"data":${'['.repeat(2000)}${']'.repeat(2000)}}`, OTP)).toEqual({ kind: 'error', message: "invalid character '[' exceeded max depth" });
    expect(decodeGoParams('{"email":"[[[[', PASSWORD_GRANT)).toEqual({ kind: 'not-json' });
  });
});
