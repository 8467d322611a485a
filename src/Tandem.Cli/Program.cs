using Tandem.Cli;

return Cli.Run(args);
