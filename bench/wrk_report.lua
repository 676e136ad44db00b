-- wrk's report for bench/load.py, one machine-readable line at the end of a run:
-- RESULT <requests> <duration µs> <p50 µs> <p95 µs> <max µs> <non-2xx/3xx responses> <socket errors>
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d %d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency.max, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout))
end
