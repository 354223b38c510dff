from podcheck.cli import main

main()
