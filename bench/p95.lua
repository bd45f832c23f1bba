-- wrk report: requests per second, p50/p95/p99 latency and non-2xx answers,
-- on one line for the benchmark scripts to collect.
local failures = 0

response = function(status, headers, body)
  if status >= 400 then
    failures = failures + 1
  end
end

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "RESULT rps=%.0f p50_ms=%.1f p95_ms=%.1f p99_ms=%.1f requests=%d errors=%d\n",
    summary.requests / seconds,
    latency:percentile(50) / 1000,
    latency:percentile(95) / 1000,
    latency:percentile(99) / 1000,
    summary.requests,
    failures + summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout
  ))
end
