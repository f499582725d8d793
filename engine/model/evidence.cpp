#include "model/evidence.hpp"

namespace rl::model {

std::string_view
to_string(ResultStatus status)
{
  switch (status) {
  case ResultStatus::passed:
    return "passed";
  case ResultStatus::failed:
    return "failed";
  case ResultStatus::error:
    return "error";
  case ResultStatus::skipped:
    return "skipped";
  case ResultStatus::expected_failure:
    return "expected_failure";
  case ResultStatus::flaky:
    return "flaky";
  }
  return "?";
}

} // namespace rl::model
