#include "evidence/records.hpp"

#include <algorithm>

namespace rl::evidence {

std::string
TestCaseRecord::identity() const
{
  std::string out;
  identity_into(out);
  return out;
}

void
TestCaseRecord::identity_into(std::string& out) const
{
  out.clear();
  // Python test files: pytest's node id, "test/test_x.py::TestClass::test_name".
  if (file.size() > 3 && file.compare(file.size() - 3, 3, ".py") == 0) {
    // The classname is the module ("test/test_x.py" read as "test.test_x"),
    // a dot, then the class path; its dots become "::".
    const std::size_t module_size = file.size() - 3;
    bool in_module = classname.size() > module_size + 1 && classname[module_size] == '.';
    for (std::size_t i = 0; in_module && i < module_size; ++i) {
      in_module = classname[i] == (file[i] == '/' ? '.' : file[i]);
    }
    out.append(file).append("::");
    if (in_module) {
      for (std::size_t i = module_size + 1; i < classname.size(); ++i) {
        if (classname[i] == '.') {
          out.append("::");
        } else {
          out.push_back(classname[i]);
        }
      }
      out.append("::");
    }
    out.append(name);
    return;
  }
  out.append(classname.empty() ? suite : classname).append("::").append(name);
}

std::string
pytest_file_from_classname(const std::string& classname)
{
  // "test.sub.test_x.TestClass" -> "test/sub/test_x.py": the module is the
  // dotted prefix before the first component that starts with a capital.
  std::string path;
  std::size_t start = 0;
  while (start <= classname.size()) {
    std::size_t dot = classname.find('.', start);
    if (dot == std::string::npos) {
      dot = classname.size();
    }
    const std::string part = classname.substr(start, dot - start);
    if (part.empty() || (part[0] >= 'A' && part[0] <= 'Z')) {
      break;
    }
    path += (path.empty() ? "" : "/") + part;
    start = dot + 1;
  }
  return path.empty() ? std::string() : path + ".py";
}

void
TestTotals::add(model::ResultStatus outcome)
{
  ++tests;
  switch (outcome) {
  case model::ResultStatus::passed:
  case model::ResultStatus::flaky:
    ++passed;
    break;
  case model::ResultStatus::failed:
    ++failed;
    break;
  case model::ResultStatus::error:
    ++errors;
    break;
  case model::ResultStatus::skipped:
  case model::ResultStatus::expected_failure:
    ++skipped;
    break;
  }
}

std::string
cap_message(std::string text)
{
  if (text.size() <= k_max_message_bytes) {
    return text;
  }
  std::size_t cut = k_max_message_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  text.resize(cut);
  text += "…";
  return text;
}

} // namespace rl::evidence
