import { expect } from 'chai';
import { nextOccurrence, parseNcrontab, parseSchedule, ScheduleSyntaxError } from '../lib/ncrontab';

// Dates are built from local components: schedules run in the process's local time, as the host's do.
const at = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0) => new Date(y, mo - 1, d, h, mi, s);
const next = (expression: string, after: Date) => parseSchedule(expression).next(after);

describe('timer schedules (NCRONTAB)', () => {
  describe('next occurrence', () => {
    it('fires every five minutes on the minute', () => {
      expect(next('0 */5 * * * *', at(2024, 6, 3, 10, 2, 30))).to.deep.equal(at(2024, 6, 3, 10, 5, 0));
    });

    it('is strictly after the given time', () => {
      expect(next('0 */5 * * * *', at(2024, 6, 3, 10, 5, 0))).to.deep.equal(at(2024, 6, 3, 10, 10, 0));
    });

    it('steps through seconds', () => {
      expect(next('*/10 * * * * *', at(2024, 6, 3, 10, 0, 5))).to.deep.equal(at(2024, 6, 3, 10, 0, 10));
    });

    it('rolls over minute, hour, day, month and year', () => {
      expect(next('0 0 0 1 1 *', at(2024, 12, 31, 23, 59, 59))).to.deep.equal(at(2025, 1, 1));
    });

    it('keeps to weekdays with a day-of-week range', () => {
      // 2024-06-01 is a Saturday.
      expect(next('0 30 9 * * 1-5', at(2024, 6, 1, 10))).to.deep.equal(at(2024, 6, 3, 9, 30));
    });

    it('skips months that lack the day', () => {
      expect(next('0 0 0 31 * *', at(2024, 4, 1))).to.deep.equal(at(2024, 5, 31));
    });

    it('finds the next leap day', () => {
      expect(next('0 0 12 29 2 *', at(2023, 3, 1))).to.deep.equal(at(2024, 2, 29, 12));
    });

    it('requires both the day of month and the day of week, as NCrontab does', () => {
      // Friday the 13th: the first after 2024-01-01 is in September.
      expect(next('0 0 0 13 * Fri', at(2024, 1, 1))).to.deep.equal(at(2024, 9, 13));
    });

    it('accepts month and day names in any case, short or long', () => {
      // 2024-07-01 is a Monday.
      expect(next('0 0 8 * jul,JANUARY monday', at(2024, 2, 1))).to.deep.equal(at(2024, 7, 1, 8));
    });

    it('reads a/n as a-max/n', () => {
      expect(parseNcrontab('5/15 * * * * *').seconds).to.deep.equal([5, 20, 35, 50]);
    });

    it('combines lists, ranges and steps', () => {
      expect(parseNcrontab('0 0 1-10/3,20 * * *').hours).to.deep.equal([1, 4, 7, 10, 20]);
    });

    it('treats a TimeSpan as a fixed interval', () => {
      const start = at(2024, 6, 3, 10, 0, 0);
      expect(next('00:05:00', start)).to.deep.equal(at(2024, 6, 3, 10, 5, 0));
      expect(next('1.00:00:00', start)).to.deep.equal(at(2024, 6, 4, 10, 0, 0));
    });

    it('reads TimeSpans as host.json does: one-digit fields and fractions of a second', () => {
      const start = at(2024, 6, 3, 10, 0, 0);
      expect(next('0:5:0', start)).to.deep.equal(at(2024, 6, 3, 10, 5, 0));
      expect(next('00:00:01.5', start)!.getTime() - start.getTime()).to.equal(1500);
    });

    it('agrees with a second-by-second search', () => {
      const expressions = ['*/7 * * * * *', '15 */2 * * * *', '0 0 */3 * * *', '30 59 23 * * Sun', '0 0 0 1,15 * *'];
      // Bounded pseudo-random starts (fixed seed) across a few years.
      let seed = 42;
      const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      for (const expression of expressions) {
        const fields = parseNcrontab(expression);
        const matches = (d: Date) =>
          fields.seconds.includes(d.getSeconds()) &&
          fields.minutes.includes(d.getMinutes()) &&
          fields.hours.includes(d.getHours()) &&
          fields.days.includes(d.getDate()) &&
          fields.months.includes(d.getMonth() + 1) &&
          fields.daysOfWeek.includes(d.getDay());
        for (let i = 0; i < 20; i++) {
          const start = new Date(at(2023, 1, 1).getTime() + Math.floor(random() * 3 * 365 * 86400) * 1000);
          const found = nextOccurrence(fields, start)!;
          expect(matches(found), `${expression} after ${start.toISOString()}`).to.equal(true);
          expect(found.getTime()).to.be.greaterThan(start.getTime());
          // No earlier match in between (these schedules recur within 16 days).
          for (let t = start.getTime() + 1000 - (start.getTime() % 1000); t < found.getTime(); t += 1000) {
            if (matches(new Date(t)))
              expect.fail(`${expression}: ${new Date(t).toISOString()} matches before ${found.toISOString()}`);
          }
        }
      }
    });
  });

  describe('rejects, naming the field at fault', () => {
    const cases: [string, RegExp][] = [
      ['*/5 * * * *', /has 5 fields.*six.*\{second\} \{minute\}/],
      ['60 * * * * *', /second field '60'.*60 is outside 0-59/],
      ['0 0 24 * * *', /hour field '24'/],
      ['0 0 0 0 * *', /day field '0'/],
      ['0 0 0 * 13 *', /month field '13'/],
      ['0 0 0 * * 7', /day-of-week field '7'.*outside 0-6/],
      ['0 0 0 * Foo *', /month field 'Foo'.*not a month name/],
      ['*/0 * * * * *', /step '0' must be a positive number/],
      ['0 10-5 * * * *', /range '10-5' ends before it starts/],
      ['0 1,,2 * * * *', /list item is empty/],
      ['0 a * * * *', /'a' is not a number/],
    ];
    for (const [expression, message] of cases) {
      it(`'${expression}'`, () => {
        expect(() => parseSchedule(expression))
          .to.throw(ScheduleSyntaxError)
          .with.property('message')
          .that.matches(message);
      });
    }

    it('a zero TimeSpan', () => {
      expect(() => parseSchedule('00:00:00')).to.throw(ScheduleSyntaxError, /not a valid positive TimeSpan/);
    });

    it('a TimeSpan whose minutes or hours are out of range', () => {
      for (const span of ['00:60:00', '24:00:00', '00:00:61']) {
        expect(() => parseSchedule(span), span).to.throw(ScheduleSyntaxError, /not a valid positive TimeSpan/);
      }
    });
  });
});
