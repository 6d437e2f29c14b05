#!/usr/bin/env python3
"""A large mysql.general_log TSV export for measuring the audit CLI: N rows of OLTP traffic from 500 application
connections, with the real mariadb-dump session of a captured sample spliced in half way (as thread 999999).

    python3 tools/gen_general_log.py 1000000 /tmp/big.tsv
    /usr/bin/time -f "%e s elapsed, %U s user, %M KB max RSS" \
        java -jar harness/target/backup-guard-cli.jar audit /tmp/big.tsv --server mariadb-11.4.5
"""
import random
import sys

SAMPLE = 'harness/src/test/resources/generallog/mariadb-dump-single-transaction-flush-logs.tsv'
STATEMENTS = ["SELECT id, owner, balance FROM accounts WHERE id = %d",
              "UPDATE accounts SET balance = balance + 1 WHERE id = %d",
              "INSERT INTO ledger (account, amount) VALUES (%d, 10.00)", "BEGIN", "COMMIT",
              "SELECT COUNT(*) FROM orders WHERE customer = %d"]


def main(n, path):
    random.seed(7)
    rows = [line.rstrip('\n').split('\t') for line in open(SAMPLE)][1:]
    dump_thread = rows[0][2]
    with open(path, 'w') as out:
        out.write('event_time\tuser_host\tthread_id\tserver_id\tcommand_type\targument\n')
        t = 0
        for i in range(n):
            if i == n // 2:
                for r in rows:
                    if r[2] == dump_thread:
                        out.write('\t'.join(r[:2] + ['999999'] + r[3:]) + '\n')
            s = random.choice(STATEMENTS)
            if '%d' in s:
                s = s % random.randrange(1, 100000)
            t += 37
            out.write('2026-11-22 %02d:%02d:%02d.%06d\tapp[app] @ 10.0.0.5 [10.0.0.5]\t%d\t1\tQuery\t%s\n' % (
                (t // 3600000000) % 24, (t // 60000000) % 60, (t // 1000000) % 60, t % 1000000,
                100 + random.randrange(500), s))


if __name__ == '__main__':
    main(int(sys.argv[1]), sys.argv[2])
