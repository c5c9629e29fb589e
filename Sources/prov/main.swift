print("prov")
