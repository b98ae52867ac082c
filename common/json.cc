#include "common/json.h"

#include "absl/strings/str_cat.h"
#include "common/fd.h"
#include "common/status.h"

namespace runcvm {

absl::StatusOr<Json> ParseJson(std::string_view text, std::string_view what) {
  try {
    return Json::parse(text);
  } catch (const Json::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("parse ", what, ": ", e.what()));
  }
}

std::string SerializeJson(const Json& json, int indent) {
  // `replace` keeps invalid UTF-8 from throwing: configs are written back, never rejected for it.
  return json.dump(indent, ' ', false, Json::error_handler_t::replace);
}

absl::StatusOr<Json> ReadJsonFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return ParseJson(text, absl::StrCat("'", path, "'"));
}

absl::Status WriteJsonFile(const std::string& path, const Json& json) {
  return WriteFileAtomic(path, SerializeJson(json));
}

const Json* FindMember(const Json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

Json* FindMember(Json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

std::optional<std::string> GetString(const Json& object, std::string_view key) {
  const Json* v = FindMember(object, key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return v->get<std::string>();
}

std::optional<int64_t> GetInt(const Json& object, std::string_view key) {
  const Json* v = FindMember(object, key);
  if (v == nullptr || !v->is_number_integer()) return std::nullopt;
  return v->get<int64_t>();
}

std::optional<bool> GetBool(const Json& object, std::string_view key) {
  const Json* v = FindMember(object, key);
  if (v == nullptr || !v->is_boolean()) return std::nullopt;
  return v->get<bool>();
}

}  // namespace runcvm
