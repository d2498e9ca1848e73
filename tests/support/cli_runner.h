// Runs the spikeae command-line tool from tests: arguments in, exit status and
// combined stdout/stderr out; or a running child to signal and read.
#pragma once

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace spikeae::testing {

struct RunResult {
  int status = -1;     // exit status; -1 when it did not exit normally
  std::string output;  // stdout and stderr together
};

// A running tool whose stdout and stderr go to one pipe.
struct Child {
  pid_t pid = -1;
  int output_fd = -1;
};

inline Child spawn(const std::vector<std::string>& args) {
  int fds[2];
  if (pipe(fds) != 0) return {};
  std::vector<std::string> words = {SPIKEAE_CLI};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    dup2(fds[1], STDERR_FILENO);
    close(fds[0]);
    close(fds[1]);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(fds[1]);
  return {pid, fds[0]};
}

// Appends what the child wrote since the last call; false at the end of its output.
inline bool read_some(const Child& child, std::string& output) {
  char buffer[4096];
  const ssize_t n = read(child.output_fd, buffer, sizeof buffer);
  if (n <= 0) return false;
  output.append(buffer, static_cast<std::size_t>(n));
  return true;
}

inline RunResult finish(const Child& child, std::string output) {
  while (read_some(child, output)) {
  }
  close(child.output_fd);
  int wait_status = 0;
  waitpid(child.pid, &wait_status, 0);
  return {WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1, std::move(output)};
}

inline RunResult run(const std::vector<std::string>& args) {
  const Child child = spawn(args);
  if (child.pid < 0) return {};
  return finish(child, "");
}

inline std::vector<std::string> operator+(std::vector<std::string> a,
                                          const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace spikeae::testing
