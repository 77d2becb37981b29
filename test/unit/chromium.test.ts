/** Finding the browser suite's Chromium: skipped without one on a developer's machine, failed under CI=true. */
import { findChromium } from '../support/chromium';

const nothing = () => false;

describe('findChromium', () => {
  let warn: jest.SpyInstance;
  beforeEach(() => {
    warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => warn.mockRestore());

  it('returns the first candidate that exists, CHROMIUM_PATH first', () => {
    const present = new Set(['/opt/chromium/chrome', '/usr/bin/chromium']);

    expect(
      findChromium({ CHROMIUM_PATH: '/opt/chromium/chrome' }, (path) => present.has(path)),
    ).toBe('/opt/chromium/chrome');
    expect(findChromium({}, (path) => present.has(path))).toBe('/usr/bin/chromium');
  });

  it('returns nothing and says why when none is found outside CI', () => {
    expect(findChromium({}, nothing)).toBeUndefined();
    expect(warn).toHaveBeenCalledWith(
      expect.stringMatching(/^Browser test skipped: no Chromium found/),
    );
  });

  it('throws under CI=true when none is found, naming where it looked and how to install one', () => {
    expect(() => findChromium({ CI: 'true', CHROMIUM_PATH: '/opt/missing' }, nothing)).toThrow(
      /^CI=true and no Chromium found \(looked at \/opt\/missing, \/usr\/bin\/chromium.*apt-get install -y chromium/,
    );
    expect(warn).not.toHaveBeenCalled();
  });
});
