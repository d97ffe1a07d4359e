// Micro-benchmarks of the RESP hot path: parsing a pipeline of 16 SET/GET
// commands (what redis-benchmark -P 16 sends) and writing their replies.

#include <benchmark/benchmark.h>

#include <string>
#include <string_view>
#include <vector>

#include "protocol/reply_writer.h"
#include "protocol/resp_parser.h"

namespace hotcache::protocol {
namespace {

constexpr int kPipeline = 16;

std::string Multibulk(const std::vector<std::string>& args) {
  // (append, not operator+: GCC 12 gives a false -Wrestrict on "lit" + string&&)
  std::string s(1, '*');
  s.append(std::to_string(args.size())).append("\r\n");
  for (const std::string& a : args) {
    s.append(1, '$').append(std::to_string(a.size())).append("\r\n").append(a).append("\r\n");
  }
  return s;
}

// 16 commands alternating SET key:<n> <3-byte value> and GET key:<n>.
std::string SetGetPipeline() {
  std::string s;
  for (int i = 0; i < kPipeline; ++i) {
    std::string key = "key:";
    key.append(std::to_string(100000 + i));
    s += i % 2 == 0 ? Multibulk({"SET", key, "xxx"}) : Multibulk({"GET", key});
  }
  return s;
}

void BM_ParseSetGetPipeline(benchmark::State& state) {
  const std::string input = SetGetPipeline();
  RespParser parser;
  std::vector<std::string_view> args;
  for (auto _ : state) {
    std::string_view rest = input;
    while (!rest.empty()) {
      ParseResult r = parser.ParseCommand(rest, &args);
      benchmark::DoNotOptimize(args.data());
      rest.remove_prefix(r.consumed);
    }
  }
  state.SetItemsProcessed(state.iterations() * kPipeline);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(input.size()));
}
BENCHMARK(BM_ParseSetGetPipeline);

// The same pipeline arriving in two reads, split inside the 9th command:
// the first read parses 8 commands and gets kNeedMore once.
void BM_ParseSplitPipeline(benchmark::State& state) {
  const std::string input = SetGetPipeline();
  const size_t split = input.size() / 2 + 3;
  RespParser parser;
  std::vector<std::string_view> args;
  for (auto _ : state) {
    std::string_view rest(input.data(), split);
    size_t done = 0;
    while (true) {
      ParseResult r = parser.ParseCommand(rest, &args);
      if (r.status != ParseStatus::kComplete) break;
      done += r.consumed;
      rest.remove_prefix(r.consumed);
    }
    rest = std::string_view(input).substr(done);
    while (!rest.empty()) {
      ParseResult r = parser.ParseCommand(rest, &args);
      benchmark::DoNotOptimize(args.data());
      rest.remove_prefix(r.consumed);
    }
  }
  state.SetItemsProcessed(state.iterations() * kPipeline);
}
BENCHMARK(BM_ParseSplitPipeline);

void BM_ParseInlinePing(benchmark::State& state) {
  std::string input;
  for (int i = 0; i < kPipeline; ++i) input += "PING\r\n";
  RespParser parser;
  std::vector<std::string_view> args;
  for (auto _ : state) {
    std::string_view rest = input;
    while (!rest.empty()) {
      ParseResult r = parser.ParseCommand(rest, &args);
      benchmark::DoNotOptimize(args.data());
      rest.remove_prefix(r.consumed);
    }
  }
  state.SetItemsProcessed(state.iterations() * kPipeline);
}
BENCHMARK(BM_ParseInlinePing);

// Replies to the SET/GET pipeline: 8 x "+OK", 8 x a 3-byte bulk.
void BM_WriteSetGetReplies(benchmark::State& state) {
  std::string out;
  out.reserve(4096);
  ReplyWriter writer(&out);
  for (auto _ : state) {
    out.clear();
    for (int i = 0; i < kPipeline / 2; ++i) {
      writer.SimpleString("OK");
      writer.Bulk("xxx");
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * kPipeline);
}
BENCHMARK(BM_WriteSetGetReplies);

void BM_WriteIntegers(benchmark::State& state) {
  std::string out;
  out.reserve(4096);
  ReplyWriter writer(&out);
  int64_t v = 1;
  for (auto _ : state) {
    out.clear();
    for (int i = 0; i < kPipeline; ++i) writer.Integer(v += 12345);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * kPipeline);
}
BENCHMARK(BM_WriteIntegers);

void BM_WriteDoubles(benchmark::State& state) {
  std::string out;
  out.reserve(4096);
  ReplyWriter writer(&out, /*resp3=*/true);
  double v = 0.1;
  for (auto _ : state) {
    out.clear();
    for (int i = 0; i < kPipeline; ++i) writer.Double(v += 1.37);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * kPipeline);
}
BENCHMARK(BM_WriteDoubles);

}  // namespace
}  // namespace hotcache::protocol
