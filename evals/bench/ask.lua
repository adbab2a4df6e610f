-- wrk script: POST questions to /api/ask and count the replies by status (200 answered, 503/429 shed).
-- Usage: wrk -t2 -c1000 -d10s --timeout 2s --latency -s evals/bench/ask.lua http://127.0.0.1:7860/api/ask
-- Set UNIQUE=1 in the environment to make every question distinct (the answer cache cannot help then).

local questions = {
  "Which massage techniques help with tight muscles?",
  "What is sciatica?",
  "How can massage help with sciatica?",
  "Do I need to talk to a doctor before starting massage?",
  "Does massage reduce stress?",
  "What can pinch the sciatic nerve?",
}
local unique = os.getenv("UNIQUE") == "1"
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  counts = {}
  n = 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  n = n + 1
  local q = questions[(n % #questions) + 1]
  if unique then
    -- a distinct earlier turn makes the answer cache miss while the question itself, and the work it takes,
    -- stay the same (a marker inside the question made it a two-part question with three texts to embed)
    local earlier = "hello " .. tostring(n) .. " " .. tostring(math.random(1, 1000000000))
    return wrk.format(nil, nil, nil, '{"question": "' .. q .. '", "history": [{"role": "user", "content": "' .. earlier .. '"}]}')
  end
  return wrk.format(nil, nil, nil, '{"question": "' .. q .. '"}')
end

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    local c = thread:get("counts")
    for status, k in pairs(c) do
      total[status] = (total[status] or 0) + k
    end
  end
  local parts = {}
  for status, k in pairs(total) do
    table.insert(parts, '"' .. tostring(status) .. '": ' .. tostring(k))
  end
  io.write("STATUS {" .. table.concat(parts, ", ") .. "}\n")
  io.write(string.format("LATENCY_MS {\"p50\": %.1f, \"p95\": %.1f, \"p99\": %.1f, \"max\": %.1f}\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("ERRORS {\"connect\": %d, \"read\": %d, \"write\": %d, \"timeout\": %d, \"status\": %d}\n",
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout, summary.errors.status))
end
