-- wrk script for the ranking stage. MODE=recommend: POST /v1/recommend, k=10, CANDIDATES retrieved and
-- ranked (default 200); MODE=predict: POST /v1/predict for ITEMS items (default 100: a fixed list of rated
-- movieIds, repeated past 100). Users cycle
-- through 1..USERS from a different offset per connection; non-2xx answers are counted.
local users = tonumber(os.getenv("USERS") or "610")
local mode = os.getenv("MODE") or "recommend"
local candidates = tonumber(os.getenv("CANDIDATES") or "200")
local count = tonumber(os.getenv("ITEMS") or "100")
local counter = 0
local threads = {}

-- movieIds of ml-latest-small in ratings.csv (every one is rated, so known to the ranker).
local movies = {1,2,3,5,6,7,10,11,16,17,19,21,22,24,25,26,29,31,32,34,36,39,41,44,45,47,48,50,52,57,58,60,62,70,73,79,86,95,101,104,107,110,111,112,122,141,145,150,151,153,157,158,160,161,163,164,165,168,170,172,173,185,186,196,198,207,208,216,223,224,231,232,233,234,235,236,247,248,253,256,260,261,262,265,266,272,273,277,282,288,292,293,296,300,303,306,307,308,316,317}
local items = {}
for i = 1, count do items[i] = string.format('"%d"', movies[(i - 1) % #movies + 1]) end
local list = table.concat(items, ",")

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  counter = id * 7919
  non2xx = 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  counter = counter + 1
  local user = counter % users + 1
  if mode == "predict" then
    return wrk.format(nil, "/v1/predict", nil, string.format('{"user":"%d","items":[%s]}', user, list))
  end
  return wrk.format(nil, "/v1/recommend", nil, string.format('{"user":"%d","k":10,"candidates":%d}', user, candidates))
end

function response(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do bad = bad + thread:get("non2xx") end
  io.write(string.format("RESULT requests=%d seconds=%.2f qps=%.0f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f non2xx=%d socket_errors=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    bad, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
