#!/usr/bin/env python3
"""Prints delegating method bodies for a JDBC interface, from `javap` (used to write the wrappers' mechanical part).

usage: gen_delegates.py java.sql.ResultSet delegate 'next,close,getStatement,...'
Methods in the skip list (name: every overload; name/N: the overloads with N parameters) are left out: the wrapper writes them by hand.
"""
import re, subprocess, sys

iface, target, skip = sys.argv[1], sys.argv[2], set(filter(None, sys.argv[3].split(',')))
out = subprocess.run(['javap', '-public', iface], capture_output=True, text=True, check=True).stdout
seen = set()
for line in out.splitlines():
    line = line.strip()
    m = re.match(r'public (?:abstract )?(default )?(?:<[^>]+> )?(\S+(?:<[^>]*>)?) (\w+)\(([^)]*)\)(?: throws ([\w.,\s]+))?;', line)
    if not m or 'static' in line:
        continue
    _, ret, name, params, throws = m.groups()
    types, depth, cur = [], 0, ''
    for ch in params:
        depth += ch == '<'
        depth -= ch == '>'
        if ch == ',' and depth == 0:
            types.append(cur.strip()); cur = ''
        else:
            cur += ch
    if cur.strip():
        types.append(cur.strip())
    if name in skip or '%s/%d' % (name, len(types)) in skip:
        continue
    key = (name, tuple(types))
    if key in seen:
        continue
    seen.add(key)
    names = []
    for i, t in enumerate(types):
        base = t.split('.')[-1].replace('[]', 's').replace('<T>', '').replace('...', 's')
        base = re.sub(r'<.*>', '', base)
        n = {'int': 'index' if i == 0 else 'i%d' % i, 'String': 'label' if i == 0 else 's%d' % i,
             'Class': 'type', 'Map': 'map'}.get(base, None)
        if n is None:
            n = base[0].lower() + base[1:]
            if n in ('int', 'long', 'boolean', 'double', 'float', 'short', 'byte', 'char'):
                n = n[0] + 'v%d' % i
        while n in names:
            n = n + str(i)
        names.append(n)
    decl = ', '.join('%s %s' % (t.replace('java.lang.', '').replace('java.sql.', '').replace('java.io.', 'java.io.').replace('java.util.', 'java.util.'), n) for t, n in zip(types, names))
    ret_s = ret.replace('java.lang.', '').replace('java.sql.', '')
    generic = '<T> ' if ret == 'T' or 'java.lang.Class<T>' in params else ''
    thr = ' throws SQLException' if throws else ''
    call = '%s.%s(%s)' % (target, name, ', '.join(names))
    body = ('return ' + call + ';') if ret != 'void' else (call + ';')
    if target == 'UNSUPPORTED':
        body = 'throw unsupported("%s");' % name
        thr = ' throws SQLException'
    print('    @Override')
    print('    public %s%s %s(%s)%s {' % (generic, ret_s, name, decl, thr))
    print('        %s' % body)
    print('    }')
    print()
