// Every error string cachet replies with, worded exactly as Redis 7.0 words it.
#pragma once

#include <string>
#include <string_view>

namespace cachet::commands::errors {

inline constexpr std::string_view kSyntax = "ERR syntax error";
inline constexpr std::string_view kNotInteger = "ERR value is not an integer or out of range";
inline constexpr std::string_view kInvalidCursor = "ERR invalid cursor";
inline constexpr std::string_view kNotFloat = "ERR value is not a valid float";
inline constexpr std::string_view kWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";
inline constexpr std::string_view kNoAuth = "NOAUTH Authentication required.";
inline constexpr std::string_view kWrongPass =
    "WRONGPASS invalid username-password pair or user is disabled.";
inline constexpr std::string_view kAuthNoPassword =
    "ERR AUTH <password> called without any password configured for the default user. Are you "
    "sure your configuration is correct?";
inline constexpr std::string_view kMaxClients = "ERR max number of clients reached";
inline constexpr std::string_view kInvalidClientName =
    "ERR Client names cannot contain spaces, newlines or special characters.";
inline constexpr std::string_view kNoSuchClient = "ERR No such client";
inline constexpr std::string_view kInvalidExpire = "ERR invalid expire time in '%s' command";
inline constexpr std::string_view kOutOfRange = "ERR index out of range";
inline constexpr std::string_view kNoSuchKey = "ERR no such key";
inline constexpr std::string_view kDbIndexOutOfRange = "ERR DB index is out of range";
inline constexpr std::string_view kTimeoutNotFloat = "ERR timeout is not a float or out of range";
inline constexpr std::string_view kTimeoutNegative = "ERR timeout is negative";
inline constexpr std::string_view kProtocolVersion = "NOPROTO unsupported protocol version";
inline constexpr std::string_view kProtocolVersionNotInteger =
    "ERR Protocol version is not an integer or out of range";
inline constexpr std::string_view kInvalidCommandName = "ERR Invalid command specified";
inline constexpr std::string_view kInvalidArgsForCommand =
    "ERR Invalid arguments specified for command";
inline constexpr std::string_view kInvalidNumberOfArgs =
    "ERR Invalid number of arguments specified for command";
inline constexpr std::string_view kNoKeyArgs = "ERR The command has no key arguments";
inline constexpr std::string_view kShutdownErrors = "ERR Errors trying to SHUTDOWN. Check logs.";
inline constexpr std::string_view kOom = "OOM command not allowed when used memory > 'maxmemory'.";
// EXEC refused while out of memory (Redis's execCommandAbort with the OOM error).
inline constexpr std::string_view kExecAbortOom =
    "EXECABORT Transaction discarded because of: OOM command not allowed when used memory > "
    "'maxmemory'.";
inline constexpr std::string_view kPubSubContext =
    "ERR Can't execute '%s': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are "
    "allowed in this context";
inline constexpr std::string_view kNoConfigFile = "ERR The server is running without a config file";
// CONFIG REWRITE's failure, followed by strerror's text.
inline constexpr std::string_view kRewriteFailedPrefix = "ERR Rewriting config file: ";
// CONFIG SET's errors come from the config layer; this prefix makes them replies.
inline constexpr std::string_view kErrPrefix = "ERR ";

// "ERR unknown command '<name>', with args beginning with: '<a>' '<b>' "
std::string UnknownCommand(std::string_view name, const std::string* args, size_t nargs);
// "ERR unknown subcommand '<sub>'. Try <CONTAINER> HELP."
std::string UnknownSubcommand(std::string_view sub, std::string_view container);
// "ERR wrong number of arguments for '<name>' command" (name as given in the table,
// "client|setname" for subcommands).
std::string WrongArity(std::string_view full_name);

// Shared by several command families.
inline constexpr std::string_view kIncrOverflow = "ERR increment or decrement would overflow";
inline constexpr std::string_view kIntRange =
    "ERR value is out of range, value must between -2147483648 "
    "and 2147483647";
inline constexpr std::string_view kLimitNegative = "ERR LIMIT can't be negative";
inline constexpr std::string_view kMustBePositive = "ERR value is out of range, must be positive";
inline constexpr std::string_view kNumkeysPositive = "ERR numkeys should be greater than 0";
inline constexpr std::string_view kRandCountRange =
    "ERR value is out of range, value must between "
    "-9223372036854775807 and 9223372036854775807";
// cachet only: SRANDMEMBER / ZRANDMEMBER with a negative count build their whole reply in
// memory, so a reply too large for it is refused (Redis streams it until the client's output
// buffer limit, which normal clients do not have by default).
inline constexpr std::string_view kRandCountTooLarge =
    "ERR count is too large: the reply would not fit in "
    "memory";
inline constexpr std::string_view kSameObject = "ERR source and destination objects are the same";

}  // namespace cachet::commands::errors
