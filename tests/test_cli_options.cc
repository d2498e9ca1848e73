// The CLI's option flags come from the option table: every option has its flag in
// both spellings, with its type and default in --help, and docs/options.md is
// what `spikeae options --markdown` prints.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "cli_runner.h"
#include "spikeae/option_table.h"
#include "test_support.h"

namespace spikeae {
namespace {

using test_support::Contains;
using testing::run;

// "--x_y" -> "--x-y" and back: the spelling that the table does not list.
std::string other_spelling(std::string_view flag) {
  std::string other(flag);
  const bool underscores = other.find('_') != std::string::npos;
  for (std::size_t i = 2; i < other.size(); ++i) {
    if (underscores && other[i] == '_') other[i] = '-';
    if (!underscores && other[i] == '-') other[i] = '_';
  }
  return other;
}

TEST(CliOptions, HelpListsEveryOptionInBothSpellingsWithTypeAndDefault) {
  const testing::RunResult help = run({"train", "--help"});
  ASSERT_EQ(help.status, 0) << help.output;
  for (const OptionSpec& spec : option_table()) {
    std::string names(spec.flag);
    const std::string other = other_spelling(spec.flag);
    if (other != names) names += "," + other;
    if (spec.type == OptionType::kBool) {
      EXPECT_TRUE(Contains(help.output, names));
      continue;
    }
    std::string shown = names + " " + std::string(option_type_name(spec.type));
    const std::string fallback = option_value_text(option_default(spec));
    if (!fallback.empty()) shown += "=" + fallback;
    EXPECT_TRUE(Contains(help.output, shown));
    const std::string accepted = accepted_values(spec);
    if (!accepted.empty()) {
      EXPECT_TRUE(Contains(help.output, accepted)) << spec.name;
    }
  }
}

// Each flag is recognised under both spellings: an absurd value is refused as a bad
// value ("invalid", "must be"), never as an unknown flag.
TEST(CliOptions, BothSpellingsOfEveryRangedFlagReachTheirOption) {
  for (const OptionSpec& spec : option_table()) {
    if (spec.range.style == RangeStyle::kNone) continue;
    for (const std::string& flag : {std::string(spec.flag), other_spelling(spec.flag)}) {
      const std::string absurd = spec.type == OptionType::kDouble ? "1e300" : "123456789";
      const testing::RunResult r = run({"train", flag, absurd, "--data-dir", "/nonexistent"});
      EXPECT_EQ(r.status, 1) << flag << ": " << r.output;
      EXPECT_FALSE(Contains(r.output, "not expected")) << flag << ": " << r.output;
      EXPECT_TRUE(Contains(r.output, "must be")) << flag << ": " << r.output;
    }
  }
}

TEST(CliOptions, DocsOptionListIsTheTablesMarkdown) {
  const testing::RunResult markdown = run({"options", "--markdown"});
  ASSERT_EQ(markdown.status, 0) << markdown.output;
  std::ifstream file(std::filesystem::path(SPIKEAE_SOURCE_DIR) / "docs" / "options.md");
  const std::string doc{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
  EXPECT_EQ(doc, markdown.output)
      << "docs/options.md is stale: cmake --build build --target options_doc";
  for (const OptionSpec& spec : option_table()) {
    EXPECT_TRUE(Contains(markdown.output, "| `" + std::string(spec.name) + "`"));
  }
}

TEST(CliOptions, PlainListNamesEveryOption) {
  const testing::RunResult list = run({"options"});
  ASSERT_EQ(list.status, 0) << list.output;
  for (const OptionSpec& spec : option_table()) {
    EXPECT_TRUE(Contains(list.output, std::string(spec.name) + " ")) << spec.name;
  }
}

}  // namespace
}  // namespace spikeae
