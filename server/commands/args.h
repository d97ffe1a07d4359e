#pragma once
// Argument parsing helpers with Redis's exact rules (string2ll, string2ld),
// shared by every command family.

#include <cstdint>
#include <string>
#include <string_view>

namespace hotcache::server {

// Redis's string2ll: optional '-', digits, no leading zeros (except "0"), no
// spaces or '+', fits in int64. False otherwise.
bool ParseInt64(std::string_view s, int64_t* out);
// Redis's string2ld / strtold rules as used by INCRBYFLOAT / HINCRBYFLOAT:
// no leading/trailing spaces, not NaN; "inf" accepted where Redis accepts it.
bool ParseLongDouble(std::string_view s, long double* out);
// Redis's string2d (getDoubleFromObject) rules.
bool ParseDouble(std::string_view s, double* out);
// ASCII case-insensitive equality (option names: "EX", "nx", ...).
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
// Redis's ll2string.
std::string Int64ToString(int64_t v);
// Formats a long double as INCRBYFLOAT replies ("%.17Lg", humanfriendly: no
// exponent, trailing zeros trimmed), as Redis's ld2string(LD_STR_HUMAN).
std::string LongDoubleToString(long double v);

}  // namespace hotcache::server
