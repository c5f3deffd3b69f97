package dev.alknet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** alknet(1) is generated from the same model as --help: every command and option of it is in the page. */
class ManPageTest {

    @Test
    void everyCommandAndOptionOfHelpIsInThePage() {
        String page = ManPage.alknet();
        assertTrue(page.startsWith(".\\\" Generated") && page.contains("\n.TH ALKNET 1 "), page.substring(0, 200));
        CommandLine root = new CommandLine(new Main());
        root.getSubcommands().forEach((name, sub) -> {
            if (sub.getCommandSpec().usageMessage().hidden()) {
                return;
            }
            assertTrue(page.contains("\n.SS alknet " + ManPage.esc(sub.getCommandName()) + "\n"), name);
            sub.getCommandSpec().options().stream().filter(o -> !o.hidden()).forEach(o ->
                    assertTrue(page.contains("\\fB" + ManPage.esc(o.longestName()) + "\\fR"), name + " " + o.longestName()));
        });
        assertFalse(page.contains("${DEFAULT-VALUE}"), "descriptions rendered as --help renders them");
        assertTrue(page.lines().noneMatch(l -> l.startsWith(".") && !l.matches("^\\.(\\\\\"|TH|SH|SS|TP|PP|nf|fi|B|BR) ?.*")),
                "only the requests the generator writes");
    }

    @Test
    void aUsageTextBecomesAPageWithItsFirstClauseAsName() {
        String page = ManPage.fromUsage("alknet-tun", "8", "1.0", """
                usage: alknet-tun [--socks HOST:PORT] -- COMMAND
                       alknet-tun --cleanup

                Sends every connection of COMMAND into the SOCKS5 port; names resolve remotely.

                .options that start with a dot stay text
                """);
        assertTrue(page.contains("\n.SH NAME\nalknet\\-tun \\- sends every connection of COMMAND into the SOCKS5 port\n"), page);
        assertTrue(page.contains(".nf\nalknet\\-tun [\\-\\-socks HOST:PORT] \\-\\- COMMAND\nalknet\\-tun \\-\\-cleanup\n.fi"), page);
        assertTrue(page.contains("\n\\&.options that start"), page);
        assertEquals("a\\e\\-b", ManPage.esc("a\\-b"));
    }
}
