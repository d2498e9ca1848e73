// write_file_atomically: replaces content, and on failure leaves the old file and no
// temporary behind. Tests run as root, so failures are forced by means that bind root
// too: a file-size limit (like a full disk), a missing folder, a file used as a folder.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "spikeae/atomic_file.h"
#include "spikeae/error.h"
#include "test_support.h"

namespace spikeae {
namespace {

using test_support::Contains;

namespace fs = std::filesystem;

// Passes when `text` contains `part`; the failure message shows both.

std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_plain(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

std::set<std::string> names_in(const fs::path& folder) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(folder)) {
    names.insert(entry.path().filename().string());
  }
  return names;
}

// A fresh folder per test, removed afterwards.
class AtomicFileTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(dir_.empty()); }

  test_support::TempFolder folder_{"spikeae_atomic"};
  const fs::path& dir_ = folder_.path();
};

// Caps the size of any file this process writes, as a full disk would; restored on exit.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    getrlimit(RLIMIT_FSIZE, &saved_);
    // Without this the kernel kills the process instead of failing the write.
    saved_handler_ = std::signal(SIGXFSZ, SIG_IGN);
    rlimit limit = saved_;
    limit.rlim_cur = bytes;
    ok_ = setrlimit(RLIMIT_FSIZE, &limit) == 0;
  }
  ~FileSizeLimit() {
    setrlimit(RLIMIT_FSIZE, &saved_);
    std::signal(SIGXFSZ, saved_handler_);
  }
  bool ok() const { return ok_; }

 private:
  rlimit saved_{};
  void (*saved_handler_)(int) = SIG_DFL;
  bool ok_ = false;
};

TEST_F(AtomicFileTest, WritesNewFileWithExactBytes) {
  const fs::path path = dir_ / "model.bin";
  const std::string bytes("binary\0data\xff\n", 13);
  write_file_atomically(path, bytes);
  EXPECT_EQ(read_all(path), bytes);
  EXPECT_EQ(names_in(dir_), std::set<std::string>{"model.bin"});
}

TEST_F(AtomicFileTest, ReplacesExistingContentLongerShorterAndEmpty) {
  const fs::path path = dir_ / "out.txt";
  write_plain(path, "old content");
  write_file_atomically(path, "a much longer new content than before");
  EXPECT_EQ(read_all(path), "a much longer new content than before");
  write_file_atomically(path, "short");
  EXPECT_EQ(read_all(path), "short");
  write_file_atomically(path, "");
  EXPECT_EQ(fs::file_size(path), 0u);
  EXPECT_EQ(names_in(dir_), std::set<std::string>{"out.txt"});
}

TEST_F(AtomicFileTest, BareFileNameGoesToCurrentFolder) {
  const fs::path previous = fs::current_path();
  fs::current_path(dir_);
  EXPECT_NO_THROW(write_file_atomically("bare.txt", "here"));
  fs::current_path(previous);
  EXPECT_EQ(read_all(dir_ / "bare.txt"), "here");
  EXPECT_EQ(names_in(dir_), std::set<std::string>{"bare.txt"});
}

TEST_F(AtomicFileTest, FullDiskKeepsExistingFileAndRemovesTemporary) {
  const fs::path path = dir_ / "precious.bin";
  write_plain(path, "precious old content");
  const std::string big(1 << 20, 'x');
  {
    FileSizeLimit limit(4096);
    ASSERT_TRUE(limit.ok());
    try {
      write_file_atomically(path, big);
      FAIL() << "expected the write to fail";
    } catch (const Error& error) {
      EXPECT_TRUE(Contains(error.what(), path.string()));
      EXPECT_TRUE(Contains(error.what(), "File too large"));
    }
  }
  EXPECT_EQ(read_all(path), "precious old content");
  EXPECT_EQ(names_in(dir_), std::set<std::string>{"precious.bin"});
}

TEST_F(AtomicFileTest, MissingFolderFailsWithReason) {
  const fs::path path = dir_ / "no_such_folder" / "out.bin";
  try {
    write_file_atomically(path, "data");
    FAIL() << "expected the write to fail";
  } catch (const Error& error) {
    EXPECT_TRUE(Contains(error.what(), path.string()));
    EXPECT_TRUE(Contains(error.what(), "No such file or directory"));
  }
  EXPECT_TRUE(names_in(dir_).empty());
}

TEST_F(AtomicFileTest, RegularFileAsFolderFailsAndIsUntouched) {
  const fs::path blocker = dir_ / "blocker";
  write_plain(blocker, "I am a file");
  const fs::path path = blocker / "out.bin";
  try {
    write_file_atomically(path, "data");
    FAIL() << "expected the write to fail";
  } catch (const Error& error) {
    EXPECT_TRUE(Contains(error.what(), path.string()));
    EXPECT_TRUE(Contains(error.what(), "Not a directory"));
  }
  EXPECT_EQ(read_all(blocker), "I am a file");
  EXPECT_EQ(names_in(dir_), std::set<std::string>{"blocker"});
}

// The rename step fails (a non-empty folder cannot be replaced by a file).
TEST_F(AtomicFileTest, FailedRenameKeepsTargetAndRemovesTemporary) {
  const fs::path path = dir_ / "taken";
  fs::create_directory(path);
  write_plain(path / "inside.txt", "keep me");
  try {
    write_file_atomically(path, "data");
    FAIL() << "expected the rename to fail";
  } catch (const Error& error) {
    EXPECT_TRUE(Contains(error.what(), path.string()));
    EXPECT_TRUE(Contains(error.what(), "rename"));
  }
  EXPECT_EQ(read_all(path / "inside.txt"), "keep me");
  EXPECT_EQ(names_in(dir_), std::set<std::string>{"taken"});
}

// Only meaningful without root, which ignores folder permissions.
TEST_F(AtomicFileTest, ReadOnlyFolderKeepsExistingFile) {
  if (geteuid() == 0) GTEST_SKIP() << "root bypasses folder permissions";
  const fs::path path = dir_ / "kept.txt";
  write_plain(path, "old");
  fs::permissions(dir_, fs::perms::owner_read | fs::perms::owner_exec);
  EXPECT_THROW(write_file_atomically(path, "new"), Error);
  fs::permissions(dir_, fs::perms::owner_all);
  EXPECT_EQ(read_all(path), "old");
  EXPECT_EQ(names_in(dir_), std::set<std::string>{"kept.txt"});
}

TEST_F(AtomicFileTest, PathWithoutFileNameIsRefused) {
  EXPECT_THROW(write_file_atomically(dir_ / "", "data"), Error);
  EXPECT_TRUE(names_in(dir_).empty());
}

// Concurrent writers use distinct temporaries; the result is one complete version.
TEST_F(AtomicFileTest, ConcurrentWritersLeaveOneCompleteVersion) {
  const fs::path path = dir_ / "shared.bin";
  const std::string a(100000, 'a');
  const std::string b(50000, 'b');
  auto writer = [&](const std::string& bytes) {
    for (int i = 0; i < 20; ++i) write_file_atomically(path, bytes);
  };
  std::thread first(writer, std::cref(a));
  std::thread second(writer, std::cref(b));
  first.join();
  second.join();
  const std::string result = read_all(path);
  EXPECT_TRUE(result == a || result == b);
  EXPECT_EQ(names_in(dir_), std::set<std::string>{"shared.bin"});
}

}  // namespace
// The writer's own temporary names are recognised with their pid, and nothing else is,
// so a run folder only ever removes files that write_file_atomically left behind.
TEST(TemporaryFileOwner, ReadsThePidOfTheWritersNamesOnly) {
  EXPECT_EQ(temporary_file_owner(".checkpoint.spikeae.tmp-4242-7"), 4242);
  EXPECT_EQ(temporary_file_owner(".a.tmp-b.tmp-12-0"), 12);
  for (const char* name : {"checkpoint.spikeae.tmp-4242-7", ".x.tmp-12", ".x.tmp--1-0",
                           ".x.tmp-0-0", ".x.tmp-12-", ".x.tmp-12-3a", ".x", ""}) {
    EXPECT_EQ(temporary_file_owner(name), 0) << name;
  }
}

}  // namespace spikeae
