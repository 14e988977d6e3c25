// A second writer process for sqlite-concurrency.test.ts: opens the database as a worker would
// (WAL, synchronous=FULL, busy_timeout), holds the write lock for a while, then writes in short
// bursts. Usage: node lock-holder.fixture.mjs <db file> <hold ms> <rounds>
import Database from 'better-sqlite3';

const [file, holdMs, rounds] = process.argv.slice(2);
const db = new Database(file);
db.pragma('busy_timeout = 10000');
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
const insert = db.prepare('INSERT INTO contention (pid, n) VALUES (?, ?)');

function spin(ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // hold the lock
  }
}

const burst = db.transaction((n, ms) => {
  insert.run(process.pid, n);
  if (n === 0) process.stdout.write('locked\n');
  spin(ms);
});

burst.immediate(0, Number(holdMs));
for (let n = 1; n <= Number(rounds); n++) burst.immediate(n, 2);
db.close();
process.stdout.write('done\n');
