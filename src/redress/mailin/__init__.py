"""Email intake: `redress mail-in` reads one RFC 822 message on standard input."""
