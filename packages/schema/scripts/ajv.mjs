// The one ajv configuration: used by the build (standalone code) and by the tests (strict compile).
import Ajv2020Module from 'ajv/dist/2020.js';

const Ajv2020 = Ajv2020Module.default ?? Ajv2020Module;

export function createAjv(options = {}) {
  const ajv = new Ajv2020({
    strict: true,
    allErrors: true,
    allowUnionTypes: true,
    unicodeRegExp: true,
    ...options,
  });
  ajv.addVocabulary(['patternErrorMessage']);
  return ajv;
}
