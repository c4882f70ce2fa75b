"""The 100,000-incident build, measured from a small parent: peak RSS of the build (wait4), and every 10 s the
RSS of the build and its workers, the files written so far, MemAvailable. Stops the build if the machine's
available memory falls under 1.5 GB (never reached: see the log)."""
import json, os, sys, time, subprocess, signal
from pathlib import Path
project = Path(sys.argv[1]); log = open(sys.argv[2], 'a')
def avail():
    for l in open('/proc/meminfo'):
        if l.startswith('MemAvailable'): return int(l.split()[1])//1024
def tree_rss(pid):
    total = 0; procs = 0
    for p in os.listdir('/proc'):
        if not p.isdigit(): continue
        try:
            st = open(f'/proc/{p}/stat').read().rsplit(')',1)[1].split()
            ppid = int(st[1])
            if int(p) == pid or ppid == pid:
                for l in open(f'/proc/{p}/status'):
                    if l.startswith('VmRSS'): total += int(l.split()[1])//1024; procs += 1
        except OSError: pass
    return total, procs
def own_rss(pid):
    try:
        for l in open(f'/proc/{pid}/status'):
            if l.startswith('VmRSS'): return int(l.split()[1])//1024
    except OSError: return 0
env = {**os.environ, 'NO_MKDOCS_2_WARNING': '1', 'PYTHONHASHSEED': '0'}
cmd = [sys.executable, '-m', 'mkdocs', 'build', '-q', '-f', str(project/'mkdocs.yml'), '-d', str(project/'site')]
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execve(sys.executable, cmd, env)
def count_files():
    n = 0
    for d in project.iterdir():
        if d.name.startswith('.site.') or d.name.startswith('site') or 'staging' in d.name:
            for _, _, fs in os.walk(d): n += len(fs)
    return n
killed = False
while True:
    done, status, usage = os.wait4(pid, os.WNOHANG)
    if done:
        break
    mine = own_rss(pid); total, procs = tree_rss(pid); a = avail()
    print(json.dumps({'t': round(time.perf_counter()-start), 'build_rss_mb': mine, 'with_workers_mb': total, 'procs': procs, 'mem_available_mb': a, 'files': count_files()}), file=log, flush=True)
    if a < 1500 and not killed:
        print('STOPPING: available memory under 1.5 GB', file=log, flush=True); os.kill(pid, signal.SIGTERM); killed = True
    time.sleep(10)
print(json.dumps({'done': True, 'wall_s': round(time.perf_counter()-start,1), 'exit': os.waitstatus_to_exitcode(status), 'peak_rss_mb': usage.ru_maxrss//1024, 'cpu_s': round(usage.ru_utime+usage.ru_stime,1)}), file=log, flush=True)
