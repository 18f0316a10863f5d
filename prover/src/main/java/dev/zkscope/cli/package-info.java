/** The picocli command line: {@link dev.zkscope.cli.Main} and one class per subcommand. */
package dev.zkscope.cli;
