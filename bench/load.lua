-- wrk script for bench/load.py: logged-in GETs of real panel pages, and one result line.
--
-- Usage: wrk -t THREADS ... -s bench/load.lua URL -- PATHS_FILE COOKIE THREADS
-- Each thread walks the path list (one path per line) from its own offset, so the threads do
-- not ask for the same page at the same moment. Any status but 200 counts: a logged-out
-- request is redirected (302) to the login page, which wrk alone would call a success.

local threads = {}

function setup(thread)
   thread:set("id", #threads)
   table.insert(threads, thread)
end

function init(args)
   paths = {}
   for line in io.lines(args[1]) do
      if line ~= "" then
         table.insert(paths, line)
      end
   end
   if #paths == 0 then
      error("no paths in " .. args[1])
   end
   cookie = args[2]
   -- Spread the threads' starting points evenly over the list.
   position = math.floor(id * #paths / tonumber(args[3]))
   not_ok = 0
   redirects = 0
end

function request()
   position = position % #paths + 1
   return wrk.format("GET", paths[position], { ["Cookie"] = cookie })
end

function response(status, headers, body)
   if status ~= 200 then
      not_ok = not_ok + 1
      if status >= 300 and status < 400 then
         redirects = redirects + 1
      end
   end
end

local function json_line(fields)
   local parts = {}
   for _, pair in ipairs(fields) do
      table.insert(parts, string.format("%q:%s", pair[1], tostring(pair[2])))
   end
   return "{" .. table.concat(parts, ",") .. "}"
end

function done(summary, latency, requests)
   local not_ok_total, redirects_total = 0, 0
   for _, thread in ipairs(threads) do
      not_ok_total = not_ok_total + thread:get("not_ok")
      redirects_total = redirects_total + thread:get("redirects")
   end
   local errors = summary.errors
   local seconds = summary.duration / 1e6
   io.write("LOAD_RESULT ", json_line({
      { "requests", summary.requests },
      { "seconds", string.format("%.3f", seconds) },
      { "requests_per_second", string.format("%.2f", summary.requests / seconds) },
      { "p50_ms", string.format("%.2f", latency:percentile(50) / 1000) },
      { "p95_ms", string.format("%.2f", latency:percentile(95) / 1000) },
      { "p99_ms", string.format("%.2f", latency:percentile(99) / 1000) },
      { "max_ms", string.format("%.2f", latency.max / 1000) },
      { "not_200", not_ok_total },
      { "redirects", redirects_total },
      { "non_2xx_3xx", errors.status },
      { "socket_errors", errors.connect + errors.read + errors.write + errors.timeout },
      { "timeouts", errors.timeout },
   }), "\n")
end
