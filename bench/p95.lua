-- wrk report: requests per second, p50/p95/p99 latency and failed answers,
-- on one line for the benchmark scripts to collect. An answer fails when its
-- status is 400 or more, or, when BENCH_EXPECT_STATUS is set, when it is any
-- other status. Scripts that load this one set up their threads in
-- `thread_setup` (wrk's `setup` is taken here).
local threads = {}
local expected = tonumber(os.getenv("BENCH_EXPECT_STATUS") or "")
failures = 0

setup = function(thread)
  threads[#threads + 1] = thread
  if thread_setup then
    thread_setup(thread)
  end
end

-- Runs in each thread; `done` collects the counts from the threads.
response = function(status, headers, body)
  if (expected and status ~= expected) or (not expected and status >= 400) then
    failures = failures + 1
  end
end

done = function(summary, latency, requests)
  local failed = 0
  for _, thread in ipairs(threads) do
    failed = failed + thread:get("failures")
  end
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "RESULT rps=%.0f p50_ms=%.1f p95_ms=%.1f p99_ms=%.1f requests=%d errors=%d\n",
    summary.requests / seconds,
    latency:percentile(50) / 1000,
    latency:percentile(95) / 1000,
    latency:percentile(99) / 1000,
    summary.requests,
    failed + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  ))
end
