from pamphlet.cli import main

main()
