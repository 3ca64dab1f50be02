-- wrk done() hook: one parseable line, so run.sh can compute ratios.
done = function(s, latency, _)
  local errors = s.errors.connect + s.errors.read + s.errors.write + s.errors.timeout + s.errors.status
  io.write(string.format("WRK rps=%.0f p50_ms=%.2f p99_ms=%.2f errors=%d\n",
    s.requests / (s.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors))
end
