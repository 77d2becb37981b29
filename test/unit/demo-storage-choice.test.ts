/** Which token storage the demo page uses for its `?storage=` value. */
import { storageChoice } from '../../demo/storage-choice';

describe('storageChoice', () => {
  it.each([
    ['', 'in memory'],
    ['?storage=memory', 'in memory'],
    ['?storage=session', 'in sessionStorage'],
    ['?storage=local', 'in localStorage (shared by tabs)'],
  ])('%s keeps the tokens %s', (search, label) => {
    expect(storageChoice(search).label).toBe(label);
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'SESSION', 'nonsense'])(
    'ignores the unknown value %s: tokens in memory, and a working store',
    (value) => {
      const choice = storageChoice(`?storage=${value}`);

      expect(choice.label).toBe('in memory');
      expect(typeof choice.make().load).toBe('function');
    },
  );
});
