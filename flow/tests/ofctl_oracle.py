#!/usr/bin/env python3
"""ovs-ofctl as an oracle for the flow parser/printer.

ofctl_cases.tsv: one case a line, tab-separated:
    FLOW <TAB> EXPECTED [<TAB> ovs: WHAT-OVS-OFCTL-PRINTS]
EXPECTED is what weft's printer prints (fl_flow_to_string, via flow_print), or "error: MESSAGE"
for a flow weft refuses. Without a third column, ovs-ofctl 3.1 `parse-flow` agrees: it prints
the same flow (its "table:3 cookie:0x10 idle:10 hard:20" flow_mod prefix rewritten into the
dump-flows "cookie=0x10, table=3, ..." form) or refuses the flow too. The third column records a
deliberate difference (see flow/README.md, "Differences from OVS").

Usage: ofctl_oracle.py FLOW_PRINT CASES        check (ovs-ofctl part skipped if not installed)
       ofctl_oracle.py FLOW_PRINT CASES --show print our output and ovs-ofctl's per flow
"""
import re
import shutil
import subprocess
import sys


def ovs_parse(flow):
    """ovs-ofctl parse-flow FLOW, normalised to the dump-flows form, or 'error: ...'."""
    p = subprocess.run(['ovs-ofctl', 'parse-flow', flow], capture_output=True, text=True,
                       timeout=10)
    if p.returncode:
        lines = [l for l in p.stderr.splitlines() if l.startswith('ovs-ofctl: ')]
        return 'error: ' + (lines[-1][11:] if lines else p.stderr.strip())
    line = [l for l in p.stdout.splitlines() if '(xid=' in l][-1]
    x = re.sub(r'^.*\(xid=0x[0-9a-f]+\): ADD ', '', line)
    pre = {}
    for key, name in (('cookie', 'cookie'), ('table', 'table'), ('idle', 'idle_timeout'),
                      ('hard', 'hard_timeout')):
        m = re.search(r'(?:^| )%s:(\S+)(?: |$)' % key, x)
        if m:
            pre[name] = m.group(1)
            x = x[:m.start()] + ' ' + x[m.end():]
    x = ' '.join(x.split())
    return ''.join('%s=%s, ' % (n, pre[n])
                   for n in ('cookie', 'table', 'idle_timeout', 'hard_timeout') if n in pre) + x


def main():
    flow_print, cases_path = sys.argv[1], sys.argv[2]
    show = '--show' in sys.argv[3:]
    cases = []
    with open(cases_path) as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip('\n')
            if not line or line.startswith('#'):
                continue
            cols = line.split('\t')
            if show:
                cols += ['']
            if len(cols) not in (2, 3) or (len(cols) == 3 and not cols[2].startswith('ovs: ')
                                           and not show):
                sys.exit('%s:%d: malformed case' % (cases_path, n))
            cases.append((n, cols))
    ours = subprocess.run([flow_print], input=''.join(c[1][0] + '\n' for c in cases),
                          capture_output=True, text=True, check=True).stdout.splitlines()
    have_ovs = shutil.which('ovs-ofctl') is not None
    fails = 0
    for (n, cols), got in zip(cases, ours):
        flow, want = cols[0], cols[1]
        if show:
            print('%s\t%s\tovs: %s' % (flow, got, ovs_parse(flow) if have_ovs else '?'))
            continue
        if got != want:
            print('line %d: %s\n  expected: %s\n  got:      %s' % (n, flow, want, got))
            fails += 1
        if not have_ovs:
            continue
        ovs = ovs_parse(flow)
        if len(cols) == 3:
            ok = ovs == cols[2][5:]
        elif want.startswith('error: '):
            ok = ovs.startswith('error: ')
        else:
            ok = ovs == want
        if not ok:
            print('line %d: %s\n  ovs-ofctl: %s\n  case says: %s' %
                  (n, flow, ovs, cols[2][5:] if len(cols) == 3 else want))
            fails += 1
    if show:
        return 0
    print('%d cases, %d failures%s' % (len(cases), fails,
                                       '' if have_ovs else ' (ovs-ofctl not installed: not compared)'))
    return 1 if fails else 0


if __name__ == '__main__':
    sys.exit(main())
