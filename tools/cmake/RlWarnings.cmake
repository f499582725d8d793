# rl_warnings: link PRIVATE into every first-party target (never into dependencies).
add_library(rl_warnings INTERFACE)
target_compile_options(rl_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Woverloaded-virtual
  -Wcast-align -Wextra-semi
  $<$<BOOL:${RL_WARNINGS_AS_ERRORS}>:-Werror>)
if(RL_SANITIZE)
  target_compile_options(rl_warnings INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
                                               -fno-sanitize-recover=undefined)
  target_link_options(rl_warnings INTERFACE -fsanitize=address,undefined)
endif()
