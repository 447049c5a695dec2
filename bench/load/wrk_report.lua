-- wrk script of bench/load/concurrency.py: counts the responses that are not 2xx (wrk itself only counts
-- statuses >= 400, so a redirect to the login page would pass unseen) and prints one line at the end:
--   WRK {"requests": …, "duration_us": …, "p50_us": …, "p95_us": …, "p99_us": …, "non_2xx": …, "socket_errors": …}

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   non_2xx = 0
end

function response(status, headers, body)
   if status < 200 or status > 299 then
      non_2xx = non_2xx + 1
   end
end

function done(summary, latency, requests)
   local bad = 0
   for _, thread in ipairs(threads) do
      bad = bad + thread:get("non_2xx")
   end
   local e = summary.errors
   io.write(string.format(
      'WRK {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, '
         .. '"non_2xx": %d, "socket_errors": %d}\n',
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
      latency:percentile(99), latency.max, bad, e.connect + e.read + e.write + e.timeout))
end
