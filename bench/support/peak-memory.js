// Preloaded into a benchmarked task (NODE_OPTIONS=--require): writes the process's peak
// resident memory, in bytes, to the file BENCH_PEAK_MEMORY_FILE names when it exits.
// VmHWM, not resourceUsage().maxRSS: Linux carries maxRSS over from the forking parent
// across exec, which would charge the benchmark's own memory to the task.
const fs = require('node:fs');
const target = process.env.BENCH_PEAK_MEMORY_FILE;
if (target) {
  process.on('exit', () => {
    const status = fs.readFileSync('/proc/self/status', 'utf8');
    const kilobytes = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
    fs.writeFileSync(target, String(kilobytes * 1024));
  });
}
