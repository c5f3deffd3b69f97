package dev.alknet.tun;

/**
 * {@code alknet-tun}: a privileged helper that routes programs which know nothing of proxies into alknet's SOCKS5
 * port. It talks to alknet only through that port. See {@link Options#USAGE}.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        configureLogging(args);
        try {
            Options o = Options.parse(args);
            if (o.help) {
                System.out.print(Options.USAGE);
                return 0;
            }
            Preflight.privileges(!o.hostMode() && !o.cleanup);
            if (o.cleanup) {
                return new RouteAllMode(o).cleanup();
            }
            return o.hostMode() ? new RouteAllMode(o).run() : new NamespaceMode(o).run();
        } catch (TunException e) {
            System.err.println("alknet-tun: " + e.getMessage());
            return e.exitCode;
        } catch (Exception | Error e) {
            System.err.println("alknet-tun: " + e);
            if (Boolean.getBoolean("alknet.tun.trace")) {
                e.printStackTrace();
            }
            return TunException.EXIT_FAILURE;
        }
    }

    /** slf4j-simple: warnings only, -v info, -vv debug; set before the first logger exists. */
    private static void configureLogging(String[] args) {
        String level = "warn";
        for (String a : args) {
            if (a.equals("--")) {
                break;
            }
            if (a.equals("-vv")) {
                level = "debug";
            } else if (a.equals("-v") && level.equals("warn")) {
                level = "info";
            }
        }
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level);
        System.setProperty("org.slf4j.simpleLogger.showThreadName", String.valueOf(level.equals("debug")));
        System.setProperty("org.slf4j.simpleLogger.showShortLogName", "true");
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    }
}
