// The JSON boundary. nlohmann/json throws; nothing outside json.cc may see an exception, so every
// entry point here returns a Status. Documents keep their key order (ordered_json) so that a
// rewritten config.json differs from Docker's only where we changed it.
#ifndef RUNCVM_COMMON_JSON_H_
#define RUNCVM_COMMON_JSON_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace runcvm {

using Json = nlohmann::ordered_json;

// Parses `text`; `what` names the document in the error ("config.json").
absl::StatusOr<Json> ParseJson(std::string_view text, std::string_view what);
std::string SerializeJson(const Json& json, int indent = -1);

absl::StatusOr<Json> ReadJsonFile(const std::string& path);
// Replaces `path` atomically (temporary file + rename), keeping its permissions.
absl::Status WriteJsonFile(const std::string& path, const Json& json);

// Non-throwing accessors: nullptr / nullopt when the key is missing or of another type.
const Json* FindMember(const Json& object, std::string_view key);
Json* FindMember(Json& object, std::string_view key);
std::optional<std::string> GetString(const Json& object, std::string_view key);
std::optional<int64_t> GetInt(const Json& object, std::string_view key);
std::optional<bool> GetBool(const Json& object, std::string_view key);

}  // namespace runcvm

#endif  // RUNCVM_COMMON_JSON_H_
